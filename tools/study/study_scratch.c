// quick predictor / k-rule study over 10-bit codes
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <math.h>

static int16_t *codes; static int32_t *lens; static int nfiles; static long total;

typedef struct {
  int pred;      // 0 delta, 1 lin2, 2 sslms on x, 3 sslms on diff (cascade), 4 sign-data lms
  int taps, wfrac, mu, bias;
  int krule;     // 0 jpegls A/N, 1 exponential
  int nmax, m, kscale;
  int qmax, modred;
  int wbits;     // weight clamp bits
  int kfrac;     // 1: k rule with fraction
} cfg_t;

static FILE*dumpf; static int qz(int v){int a=v<0?-v:v; int l= a==0?0: a<4?1: a<12?2:3; return v<0?-l:l;}
static int sgn(int v){return (v>0)-(v<0);}

static double run(cfg_t c, double *perfile){
  double totalbits=0; long pos=0; double rawbytes=0, compbytes=0;
  for(int f=0;f<nfiles;f++){
    int n=lens[f]; int16_t *x=codes+pos; pos+=n;
    long bits=0;
    int hist[64]={0}; int w[64]={0}; int dh[64]={0};
    if (c.pred==2||c.pred==4) w[0]=1<<c.wfrac;
    if (getenv("WINIT")) { FILE*wf=fopen(getenv("WINIT"),"r"); for(int t=0;t<c.taps;t++){ int v; fscanf(wf,"%d",&v); w[t]= c.wfrac>=12? v<<(c.wfrac-12) : v>>(12-c.wfrac);} fclose(wf);}
    long A=16, N=1; long AC[4]={16,16,16,16}, NC[4]={1,1,1,1}; int ae1=0, ae2=0, ctx=0; long XA[64],XN[64],XB[64],XC[64]; for(int z=0;z<64;z++){XA[z]=16;XN[z]=1;XB[z]=0;XC[z]=0;} int re1=0,re2=0; int cx=0; int csgn=1; long S= 4<<c.m; long B=0, Cb=0, Nb=0;
    int prev=512, prev2=512; long M=512L<<8; int mr=getenv("MR")?atoi(getenv("MR")):6; long wdc=0; int rh[8]={0}; long EM[8]; long we[8]={0}; for(int z=0;z<8;z++) EM[z]=512L<<8; int ne=getenv("NE")?atoi(getenv("NE")):0; int es0=getenv("ES")?atoi(getenv("ES")):1; int esd=getenv("ESD")?atoi(getenv("ESD")):2; long wr[8]={0}; int nr=getenv("NR")?atoi(getenv("NR")):0;
    for(int i=0;i<n;i++){
      int xv=x[i]; int p; int acc=0;
      if(c.pred==0) p=prev;
      else if(c.pred==1){ p=2*prev-prev2; }
      else if(c.pred==2||c.pred==4){ long a=0; for(int t=0;t<c.taps;t++) a+=(long)w[t]*(hist[t]); p=512+(int)((a+(1<<(c.wfrac-1)))>>c.wfrac); acc=0;}
      else if(c.pred==7){ long a=0; for(int t=0;t<c.taps;t++) a+=(long)w[t]*dh[t]; int dc=(int)((M>>8)-prev); a+=wdc*dc; for(int t=0;t<nr;t++) a+=wr[t]*rh[t]; for(int t=0;t<ne;t++) a+=we[t]*((EM[t]>>8)-prev); p=prev+(int)((a+(1<<(c.wfrac-1)))>>c.wfrac);}
      else { long a=0; for(int t=0;t<c.taps;t++) a+=(long)w[t]*dh[t]; p=prev+(int)((a+(1<<(c.wfrac-1)))>>c.wfrac);}
      int pb=p;
      if(c.krule==7){ int a1=qz(re1), a2=qz(re2); int cc=a1*7+a2; csgn=1; if(getenv("SYM") && cc<0){cc=-cc; csgn=-1;} cx=cc+24; pb = p + csgn*(int)XC[cx]; }
      if(c.bias && c.pred!=5){ pb = p + (int)Cb; }
      if(pb<0)pb=0; if(pb>1023)pb=1023;
      int e=xv-pb; if(dumpf) {short ee=e; fwrite(&ee,2,1,dumpf);}
      int er=e;
      if(c.modred){ if(er< -512) er+=1024; else if(er>=512) er-=1024; }
      unsigned u = er>=0 ? 2*er : -2*er-1;
      int k;
      if(c.krule==0){ for(k=0;(N<<k)<A;k++); }
      else if(c.krule==1){ for(k=0; ((long)c.kscale<<(k+c.m)) < S*16 ; k++); }
      else if(c.krule==2){ k = S>>c.m; }
      else if(c.krule==6){ long L=ae1+ae2; long Am=AC[0]+AC[1]+AC[2], Nm=NC[0]+NC[1]+NC[2];
          // context by activity relative to the channel's long-run mean magnitude A/N
          ctx = (L*N*4 < A*c.kscale) ? 0 : (L*N*4 < A*c.m*c.kscale) ? 1 : 2; (void)Am;(void)Nm;
          for(k=0;(NC[ctx]<<k)<AC[ctx];k++); }
      else if(c.krule==7){ for(k=0;(XN[cx]<<k)<XA[cx];k++); }
      else if(c.krule==4){ for(k=0;((N<<k)*16)<A*c.kscale;k++); }
      else if(c.krule==5){ int j; for(j=0;j<20;j++){ long m = (j&1)? (3L<<(j/2))>>1 : (1L<<(j/2)); if(j==1) m=1; if(N*m*16 >= A*c.kscale) break;} k=j; }
      else { for(k=0;(N<<k)<A;k++); }
      int q;
      if(c.krule==5){ int j=k; long m = (j&1)? (3L<<(j/2))>>1 : (1L<<(j/2)); if(j==1) m=1; q=u/m; long r=u%m; int b=0; while((1L<<b)<m) b++; long t=(1L<<b)-m; int rb = (r<t)? b-1 : b; if(m==1) rb=0;
        if(q<c.qmax) bits+=q+1+rb; else bits+=c.qmax+10; }
      else { q=u>>k;
      if(q<c.qmax) bits+=q+1+k; else bits+=c.qmax+10; }
      int ae = er<0?-er:er;
      if(c.krule==7){ int es=csgn*e; XA[cx]+=ae; XB[cx]+=es; XN[cx]++;
         if(XN[cx]>=c.nmax){XA[cx]=(XA[cx]+1)>>1; XB[cx]= XB[cx]>=0? XB[cx]>>1 : -((1-XB[cx])>>1); XN[cx]=(XN[cx]+1)>>1;}
         if(XB[cx]<=-XN[cx]){ XB[cx]+=XN[cx]; if(XC[cx]>-32) XC[cx]--; if(XB[cx]<=-XN[cx]) XB[cx]=-XN[cx]+1; }
         else if(XB[cx]>0){ XB[cx]-=XN[cx]; if(XC[cx]<31) XC[cx]++; if(XB[cx]>0) XB[cx]=0; }
         re2=re1; re1=(xv-p); }
      if(c.krule==6){ A+=ae; N++; if(N>=c.nmax){A=(A+1)>>1; N=(N+1)>>1;} AC[ctx]+=ae; NC[ctx]++; if(NC[ctx]>=c.nmax){AC[ctx]=(AC[ctx]+1)>>1; NC[ctx]=(NC[ctx]+1)>>1;} ae2=ae1; ae1=ae; }
      if(c.krule==0||c.krule==4||c.krule==5){ A+=ae; N++; if(N>=c.nmax){A=(A+1)>>1; N=(N+1)>>1;} }
      else if(c.krule==1){ S += ae - (S>>c.m); }
      else if(c.krule==2){ // RLGR-like: m = fraction bits, kscale = up step per unit q, nmax = down step
        if(q==0) { S -= c.nmax; if(S<0) S=0; } else { S += (q>=c.qmax? c.qmax: q) * c.kscale - (q==1? c.kscale: 0) + (q==1? c.kscale/4:0); }
        if(S > (15<<c.m)) S=15<<c.m; }
      else { long cl = (long)ae; long lim = (long)c.kscale << k; if(cl>lim) cl=lim; A+=cl; N++; if(N>=c.nmax){A=(A+1)>>1; N=(N+1)>>1;} }
      if(c.bias && c.pred!=5){ B+=e; Nb++; if(B>Nb/2 && 0){} // simple LOCO-ish
        if(B<=-Nb){B+=Nb; Cb--; if(B<=-Nb) B=-Nb+1;} else if(B>0){B-=Nb; Cb++; if(B>0)B=0;}
        if(Nb>=64){B>>=1; Nb>>=1;} }
      // update predictor
      int ep = xv - p; // error of raw pred
      if(c.pred==2){ int s=sgn(ep); for(int t=0;t<c.taps;t++){ w[t]+= c.mu*s*sgn(hist[t]); }
        for(int t=c.taps-1;t>0;t--) hist[t]=hist[t-1]; hist[0]=xv-512; }
      else if(c.pred==4){ int s=sgn(ep); for(int t=0;t<c.taps;t++){ w[t]+= (s*hist[t]) >> c.mu; }
        for(int t=c.taps-1;t>0;t--) hist[t]=hist[t-1]; hist[0]=xv-512; }
      else if(c.pred==5){ int s=sgn(ep); for(int t=0;t<c.taps;t++){ int d=dh[t]; if(d>c.bias) d=c.bias; if(d<-c.bias) d=-c.bias; w[t]+= s*d*c.mu; }
        for(int t=c.taps-1;t>0;t--) dh[t]=dh[t-1]; dh[0]=xv-prev; }
      else if(c.pred==7){ int s=sgn(ep); int dc=(int)((M>>8)-prev); for(int t=0;t<c.taps;t++){ w[t]+= c.mu*s*sgn(dh[t]); } wdc += c.mu*s*sgn(dc); for(int t=0;t<nr;t++) wr[t]+=c.mu*s*sgn(rh[t]); for(int t=7;t>0;t--) rh[t]=rh[t-1]; rh[0]=ep; for(int t=0;t<ne;t++){ we[t]+=c.mu*s*sgn((EM[t]>>8)-prev); EM[t]+= (((long)xv<<8)-EM[t])>>(es0+esd*t);} 
        for(int t=c.taps-1;t>0;t--) dh[t]=dh[t-1]; dh[0]=xv-prev; M += (((long)xv<<8) - M) >> mr; }
      else if(c.pred==6){ for(int t=c.taps-1;t>0;t--) dh[t]=dh[t-1]; dh[0]=xv-prev; }
      else if(c.pred==3){ int s=sgn(ep); for(int t=0;t<c.taps;t++){ w[t]+= c.mu*s*sgn(dh[t]); }
        for(int t=c.taps-1;t>0;t--) dh[t]=dh[t-1]; dh[0]=xv-prev; }
      prev2=prev; prev=xv;
    }
    totalbits+=bits;
    double rb=44+2.0*n, cb=(bits+7)/8+16;
    rawbytes+=rb; compbytes+=cb; if(perfile) perfile[f]=rb/cb;
  }
  printf("ratio %.4f bps %.4f\n", rawbytes/compbytes, totalbits/total);
  return rawbytes/compbytes;
}

int main(int argc,char**argv){
  FILE*fl=fopen("lens.bin","rb"); lens=malloc(4*1000); nfiles=fread(lens,4,1000,fl); fclose(fl);
  for(int i=0;i<nfiles;i++) total+=lens[i];
  codes=malloc(2*total); FILE*fc=fopen("codes.bin","rb"); fread(codes,2,total,fc); fclose(fc);
  int step = argc>14? atoi(argv[14]):1;
  if(step>1){ // subsample files
    int nn=0; long pos=0, np=0; for(int i=0;i<nfiles;i++){ if(i%step==0){ memmove(codes+np,codes+pos,2*lens[i]); np+=lens[i]; lens[nn++]=lens[i]; } pos+=lens[i]; }
    nfiles=nn; total=np;
  }
  cfg_t c={atoi(argv[1]),atoi(argv[2]),atoi(argv[3]),atoi(argv[4]),atoi(argv[5]),atoi(argv[6]),atoi(argv[7]),atoi(argv[8]),atoi(argv[9]),atoi(argv[10]),atoi(argv[11]),0,0};
  if(getenv("DUMP")) dumpf=fopen(getenv("DUMP"),"wb");
  printf("pred %d taps %d wfrac %d mu %d bias %d krule %d nmax %d m %d kscale %d qmax %d modred %d : ", c.pred,c.taps,c.wfrac,c.mu,c.bias,c.krule,c.nmax,c.m,c.kscale,c.qmax,c.modred);
  run(c,NULL);
}
