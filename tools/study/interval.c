/*
 * interval.c: ideal code lengths of the ADC-aware back end (golden/interval.py) and the
 * variants measured for it, on the golden predictor's residuals and Rice parameters.
 *
 * Usage:  interval STREAMS [key=value ...]
 *
 *   STREAMS  the input of variants.c: int32 file count F, F int32 lengths, int16 10-bit codes.
 *   keys (the chosen design's values in brackets):
 *     tablefile=PATH   the width table: "period w0 .. w(p-1) n code width ..." (interval.py
 *                      writes it from neurorice.calibrate.fit); without it, table=...
 *     table=none       uniform codes (an ideal ADC)
 *     F=4 [4]          fraction bits of the analog axis
 *     B=2 [2]          first bins 2^(F + k - B) units wide
 *     IB=6 [6]         interpolation bits
 *     cdf=adapt|static [adapt]   adaptive contexts, or fixed tables fitted on the fit files
 *     SK=3 [3]         contexts min(k, SK)
 *     every=4 [4]      a context adapts on every N-th sample coded in it
 *     RATE=12 [12]     the slowest adaptation shift
 *     prior=1 [1]      contexts start from the fitted tables (weighted count0) [else uniform]
 *     count0=63 [63]   the prior's weight
 *     fit=even         fit the static tables / prior on the even files only [all]
 *
 * Output: one line, "bps B ratio R even E odd O | options"; with PRIOR=1 the fitted prior
 * in golden/interval.py's form; with PERFILE=1 the first 3 files' ideal bytes (the range
 * coder's 16-bit flush included), which interval.py checks against golden.core.encode.
 * The ratio is the challenge's with a 19-byte container header a file.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define W 10
#define NC (1<<W)
#define MID (1 << (W - 1))
#define MAXCODE (NC - 1)
static int sign(int v) { return (v > 0) - (v < 0); }
static int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }
static int64_t shr(int64_t v, int s) { return v >= 0 ? v >> s : -((-v + (1LL << s) - 1) >> s); }
typedef struct { int h[3], avg[2], w[4], a, n; } Channel;
static void reset(Channel *c){ for(int i=0;i<3;i++)c->h[i]=MID; c->avg[0]=c->avg[1]=MID<<8; memset(c->w,0,sizeof c->w); c->a=16; c->n=1; }
static void features(const Channel *c, int *f){ f[0]=c->h[0]-c->h[1]; f[1]=c->h[1]-c->h[2]; f[2]=(c->avg[0]>>8)-c->h[0]; f[3]=(c->avg[1]>>8)-c->h[0]; }
static int64_t accum(const Channel *c){ int f[4]; features(c,f); int64_t acc=0; for(int i=0;i<4;i++) acc+=(int64_t)c->w[i]*f[i]; return acc; }
static int k_of(int a,int n){ int k=0; while(((int64_t)n<<k)<a && k<W-1)k++; return k; }
static void update(Channel *c,int x,int p,int e){ int f[4]; features(c,f); int d=sign(x-p);
 for(int i=0;i<4;i++) c->w[i]=clamp(c->w[i]+4*d*sign(f[i]),-8192,8191);
 c->h[2]=c->h[1]; c->h[1]=c->h[0]; c->h[0]=x;
 c->avg[0]+=(int)shr(((int64_t)x<<8)-c->avg[0],3); c->avg[1]+=(int)shr(((int64_t)x<<8)-c->avg[1],8);
 c->a+=abs(e); if(++c->n==256){c->a=(c->a+1)>>1;c->n>>=1;} }

/* options */
static int F=4, B=2, PROB=15, IB=6, RATE=12, every=4, fitmode=0 /*0 all 1 even*/, base=0, MINB=0;
static char tablefile[256]=""; static char table[16]="period", cdfmode[16]="adapt";
static double shrink=100; static int SK=3, prior=1, count0=63;
/* data */
static int nfiles; static int *lens; static int16_t **codes;
static long T[NC+1]; static long wid[NC];
#define NB 32
static long Cst[W][NB+1];

static double dw[NC];
static void fit_widths(int parity){
  static double h[NC]; memset(h,0,sizeof h);
  for(int f=0;f<nfiles;f++){ if(parity>=0 && f%2!=parity) continue; for(int i=0;i<lens[f];i++) h[codes[f][i]]++; }
  double r[NC]; for(int x=0;x<NC;x++) r[x]=1;
  double s[NC];
  for(int it=0;it<4;it++){
    for(int x=0;x<NC;x++){ double num=0,den=0; for(int d=-16;d<=16;d++){int y=x+d; if(y<0||y>=NC) continue; double wt=(d==-16||d==16)?0.5:1; num+=wt*h[y]/r[y]; den+=wt;} s[x]=num/den; }
    double p32[32]={0},q32[32]={0};
    for(int x=0;x<NC;x++){ if(x==510||x==511) continue; p32[x%32]+=h[x]; q32[x%32]+=s[x]; }
    double w32[32],m=0; for(int p=0;p<32;p++){ w32[p]=q32[p]>0?p32[p]/q32[p]:1; m+=w32[p]; } m/=32; for(int p=0;p<32;p++) w32[p]/=m;
    for(int x=0;x<NC;x++){
      double base32=w32[x%32];
      if(!strcmp(table,"none")) r[x]=1;
      else if(!strcmp(table,"period")) r[x]= (x==510||x==511)? (h[x]+shrink*base32)/(s[x]+shrink) : base32;
      else if(!strcmp(table,"p32only")) r[x]=base32;
      else r[x]=(h[x]+shrink*base32)/(s[x]+shrink);
    }
  }
  for(int x=0;x<NC;x++) dw[x]=r[x];
  double tot=0; for(int x=0;x<NC;x++){ wid[x]=lround(r[x]*(1<<F)); if(wid[x]<MINB) wid[x]=MINB; }
  T[0]=0; for(int x=0;x<NC;x++) T[x+1]=T[x]+wid[x];
  (void)tot;
}

static long HALF;
static long Gk(const long *C,int bs,long m){ /* magnitude cdf */
  if(m<0) m=0;
  long b=m>>bs;
  if(b<NB-1){ long fr=m&((1L<<bs)-1); int sh=bs>IB? bs-IB:0; return C[b]+(((C[b+1]-C[b])*(fr>>sh))>>(bs-sh)); }
  long mm=m-((long)(NB-1)<<bs); int ts=W+F; if(mm>=(1L<<ts)) return C[NB];
  int sh=ts>IB?ts-IB:0; return C[NB-1]+(((C[NB]-C[NB-1])*(mm>>sh))>>(ts-sh));
}
static long cumf(const long *C,int bs,long t){ return t<0? HALF-Gk(C,bs,-t) : HALF+Gk(C,bs,t); }

typedef struct { long cdf[NB+1]; int count; } Ad;
static void ad_reset(Ad *a){ long tot=(HALF-NB)<<RATE; /* geometric-ish prior: uniform */ for(int i=0;i<=NB;i++) a->cdf[i]=tot*i/NB; a->count=0; }
static void ad_reset2(Ad *a,int k){ if(!prior){ad_reset(a);return;} for(int i=0;i<=NB;i++) a->cdf[i]=(Cst[k][i]-i)<<RATE; a->count=count0; }
static void ad_C(const Ad *a,long *C){ for(int i=0;i<=NB;i++) C[i]=(a->cdf[i]>>RATE)+i; }
static void ad_update(Ad *a,int s){ int shift=0; { int c=a->count+1; while(c){shift++;c>>=1;} } if(shift>RATE) shift=RATE; long top=(HALF-NB)<<RATE;
 for(int i=0;i<=NB;i++) a->cdf[i]= i>s? a->cdf[i]+((top-a->cdf[i])>>shift) : a->cdf[i]-(a->cdf[i]>>shift);
 if(a->count<(1<<RATE)-1) a->count++; }

static long hist[W][NB];
static double code_file(int f,int collect){
  Channel c; reset(&c); Ad ad[W]; for(int k=0;k<W;k++) ad_reset2(&ad[k],k);
  double bits=0; long C[NB+1]; long cnt[W]={0};
  for(int i=0;i<lens[f];i++){
    int x=codes[f][i]; int64_t acc=accum(&c);
    int p=clamp(c.h[0]+(int)shr(acc+8192,14),0,MAXCODE);
    int k=k_of(c.a,c.n);
    int x1=c.h[0];
    long P; if(base==0) P=T[x1]+wid[x1]/2; else P=T[x1]+(T[x1+1]-T[x1])/2; 
    P+= (acc+(1<<(13-F)))>>(14-F);
    if(P<0) P=0;
    if(P>T[NC]) P=T[NC];
    int bs=F+k-B; if(bs<0) bs=0;
    if(!strcmp(cdfmode,"static")) memcpy(C,Cst[k],sizeof C); else ad_C(&ad[k<SK?k:SK],C);
    long lo= x==0?0:cumf(C,bs,T[x]-P), hi= x==MAXCODE?2*HALF:cumf(C,bs,T[x+1]-P);
    if(!collect){ if(hi>lo) bits+= PROB - log2((double)(hi-lo)); else bits+= PROB-1+W; }
    long mid=T[x]+wid[x]/2 - P; if(mid<0) mid=-mid; long sb=mid>>bs; int s; if(sb<NB-1) s=sb; else s=NB-1;
    if(collect) hist[k][s]++;
    if(!strcmp(cdfmode,"adapt")){ {int q=k<SK?k:SK; if(++cnt[q]%every==0) ad_update(&ad[q],s);} }
    update(&c,x,p,(int)(((x-p+MID)&MAXCODE)-MID));
  }
  return bits;
}

int main(int argc,char**argv){
  FILE*in=fopen(argv[1],"rb"); fread(&nfiles,4,1,in); lens=malloc(4*nfiles); fread(lens,4,nfiles,in);
  codes=malloc(sizeof(*codes)*nfiles); for(int f=0;f<nfiles;f++){ codes[f]=malloc(2*lens[f]); fread(codes[f],2,lens[f],in);} 
  for(int a=2;a<argc;a++){ char key[32],val[256]; if(sscanf(argv[a],"%31[^=]=%255s",key,val)!=2){fprintf(stderr,"bad %s\n",argv[a]);return 2;}
    if(!strcmp(key,"F"))F=atoi(val); else if(!strcmp(key,"B"))B=atoi(val); else if(!strcmp(key,"PROB"))PROB=atoi(val);
    else if(!strcmp(key,"IB"))IB=atoi(val); else if(!strcmp(key,"RATE"))RATE=atoi(val); else if(!strcmp(key,"every"))every=atoi(val);
    else if(!strcmp(key,"fit"))fitmode=!strcmp(val,"even"); else if(!strcmp(key,"base"))base=atoi(val);
    else if(!strcmp(key,"table"))strcpy(table,val); else if(!strcmp(key,"cdf"))strcpy(cdfmode,val); else if(!strcmp(key,"shrink"))shrink=atof(val); else if(!strcmp(key,"minw"))MINB=atoi(val); else if(!strcmp(key,"tablefile"))strcpy(tablefile,val); else if(!strcmp(key,"SK"))SK=atoi(val); else if(!strcmp(key,"prior"))prior=atoi(val); else if(!strcmp(key,"count0"))count0=atoi(val);
    else {fprintf(stderr,"bad %s\n",argv[a]);return 2;} }
  HALF=(1L<<(PROB-1))-1;
  fit_widths(fitmode?0:-1);
  if(tablefile[0]){ FILE*tf=fopen(tablefile,"r"); if(!tf){perror(tablefile);return 2;} int per; fscanf(tf,"%d",&per); long pw[1024]; for(int i=0;i<per;i++) fscanf(tf,"%ld",&pw[i]);
    for(int x=0;x<NC;x++) wid[x]=pw[x%per]; int ne; fscanf(tf,"%d",&ne); for(int i=0;i<ne;i++){int c; long w; fscanf(tf,"%d %ld",&c,&w); wid[c]=w;} fclose(tf);
    T[0]=0; for(int x=0;x<NC;x++) T[x+1]=T[x]+wid[x]; }
  if(!strcmp(cdfmode,"static")||prior){
    memset(hist,0,sizeof hist);
    for(int f=0;f<nfiles;f++){ if(fitmode && f%2) continue; code_file(f,1);} 
    if(SK<W) for(int k=SK+1;k<W;k++) for(int s2=0;s2<NB;s2++){ hist[SK][s2]+=hist[k][s2]; }
    if(SK<W) for(int k=SK+1;k<W;k++) for(int s2=0;s2<NB;s2++){ hist[k][s2]=hist[SK][s2]; }
    for(int k=0;k<W;k++){ double tot=0; for(int s=0;s<NB;s++) tot+=hist[k][s]+0.5; long adap=HALF-NB; Cst[k][0]=0; double run=0;
      for(int s=0;s<NB;s++){ run+=hist[k][s]+0.5; Cst[k][s+1]=lround(run/tot*adap)+s+1; } Cst[k][NB]=HALF; }
  }
  double tb[2]={0,0}; double orig[2]={0,0}, packed[2]={0,0};
  for(int f=0;f<nfiles;f++){ double b=code_file(f,0); if(getenv("PERFILE")&&f<3) printf("file %d bits %.1f bytes %.0f\n",f,b,ceil((b+16)/8)); int h=f%2; tb[h]+=b; orig[h]+=44+2.0*lens[f]; packed[h]+=ceil((b+16)/8)+19; }
  long n=0; for(int f=0;f<nfiles;f++) n+=lens[f];
  printf("bps %.4f ratio %.4f even %.4f odd %.4f |", (tb[0]+tb[1])/n, (orig[0]+orig[1])/(packed[0]+packed[1]), orig[0]/packed[0], orig[1]/packed[1]);
  for(int a=2;a<argc;a++) printf(" %s",argv[a]); printf("\n");
  if(getenv("PRIOR")){ for(int k=0;k<4;k++){ printf("(");for(int i=0;i<NB;i++) printf("%ld, ",(Cst[k][i+1]-i-1)-(Cst[k][i]-i)); printf("),\n");} }
  if(getenv("SHOWW")){ for(int x=0;x<32;x++) printf("%ld ",wid[x]); printf("| 510 %ld 511 %ld\n",wid[510],wid[511]); }
  return 0;
}
