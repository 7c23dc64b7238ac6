/*
 * backend.c: ideal code lengths of the back ends compared for golden/arith.py, on the
 * golden predictor's residuals and Rice parameters (golden/predictor.py, golden/rice.py).
 *
 * Usage:  backend STREAMS VARIANT [PRIOR]
 *
 *   STREAMS  the input of variants.c: int32 file count F, F int32 lengths, int16 10-bit codes.
 *   VARIANT  comma-separated key=value (defaults in brackets):
 *              coder=multi|binary|rice [multi]
 *              symbols=M [32]   top=D [2]   remainder bits in the symbol
 *              fast=S1 slow=S2 [12, 12]     adaptation shifts of two estimators, averaged
 *              warm=0|1 [1]     shift grows 1, 2, 2, 3, ... with the count up to S
 *              frac=X [12]      fraction bits of the CDF state
 *              escape=plain|eg [plain]      the escape's payload: W bits, or Exp-Golomb
 *              context=k|half|fastk [k]     k; k and a half-octave bit; k of a 32-sample window
 *              count0=N [0]     the count at reset (the prior's weight)
 *            binary: fast/slow as above (16-bit probabilities), rbits=R [3] context bits
 *   PRIOR    SYMBOLS frequencies summing to 2^15 - SYMBOLS: the CDF at reset (else uniform)
 *
 * Output: a line a file, "index samples ideal_bits rice_bits", and with HIST=path the
 * symbol histogram by k (the source of a prior). Ideal bits are -log2 of each coding
 * probability plus the bypass bits: what the range coder spends up to its 16-bit flush and
 * a fraction of a bit per file (run by backend.py, which checks that against golden).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 10
#define MID (1 << (WIDTH - 1))
#define MAXCODE ((1 << WIDTH) - 1)
#define PROB 15
#define MAXM 64
#define MAXCTX 2 * WIDTH

static int sign(int v) { return (v > 0) - (v < 0); }
static int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }
static int64_t shr(int64_t v, int s) { return v >= 0 ? v >> s : -((-v + (1LL << s) - 1) >> s); }

/* golden/predictor.py and golden/rice.py, as variants.c's "chosen / an256" */
typedef struct { int h[3], avg[2], w[4], a, n, a2, n2; } Channel;

static void reset(Channel *c)
{
    for (int i = 0; i < 3; i++) c->h[i] = MID;
    c->avg[0] = c->avg[1] = MID << 8;
    memset(c->w, 0, sizeof c->w);
    c->a = c->a2 = 16;
    c->n = c->n2 = 1;
}

static void features(const Channel *c, int *f)
{
    f[0] = c->h[0] - c->h[1];
    f[1] = c->h[1] - c->h[2];
    f[2] = (c->avg[0] >> 8) - c->h[0];
    f[3] = (c->avg[1] >> 8) - c->h[0];
}

static int predict(const Channel *c)
{
    int f[4];
    features(c, f);
    int64_t acc = 0;
    for (int i = 0; i < 4; i++) acc += (int64_t)c->w[i] * f[i];
    return clamp(c->h[0] + (int)shr(acc + 8192, 14), 0, MAXCODE);
}

static int k_of(int a, int n)
{
    int k = 0;
    while (((int64_t)n << k) < a && k < WIDTH - 1) k++;
    return k;
}

static void update(Channel *c, int x, int p, int e)
{
    int f[4];
    features(c, f);
    int d = sign(x - p);
    for (int i = 0; i < 4; i++) c->w[i] = clamp(c->w[i] + 4 * d * sign(f[i]), -8192, 8191);
    c->h[2] = c->h[1];
    c->h[1] = c->h[0];
    c->h[0] = x;
    c->avg[0] += (int)shr(((int64_t)x << 8) - c->avg[0], 3);
    c->avg[1] += (int)shr(((int64_t)x << 8) - c->avg[1], 8);
    c->a += abs(e);
    if (++c->n == 256) { c->a = (c->a + 1) >> 1; c->n >>= 1; }
    c->a2 += abs(e);   /* a faster window, for context=fastk */
    if (++c->n2 == 32) { c->a2 = (c->a2 + 1) >> 1; c->n2 >>= 1; }
}

/* ------------------------------------------------------------------ variants ---- */

static struct {
    char coder[8], escape[8], context[8];
    int symbols, top, fast, slow, warm, frac, count0, rbits;
} v = { "multi", "plain", "k", 32, 2, 12, 12, 1, 12, 0, 3 };
static int64_t prior[MAXM];
static int have_prior;

static void parse(char *spec)
{
    for (char *item = strtok(spec, ","); item; item = strtok(NULL, ",")) {
        char key[16], value[16];
        if (sscanf(item, "%15[^=]=%15s", key, value) != 2) goto bad;
        if (!strcmp(key, "coder")) strcpy(v.coder, value);
        else if (!strcmp(key, "escape")) strcpy(v.escape, value);
        else if (!strcmp(key, "context")) strcpy(v.context, value);
        else if (!strcmp(key, "symbols")) v.symbols = atoi(value);
        else if (!strcmp(key, "top")) v.top = atoi(value);
        else if (!strcmp(key, "fast")) v.fast = atoi(value);
        else if (!strcmp(key, "slow")) v.slow = atoi(value);
        else if (!strcmp(key, "warm")) v.warm = atoi(value);
        else if (!strcmp(key, "frac")) v.frac = atoi(value);
        else if (!strcmp(key, "count0")) v.count0 = atoi(value);
        else if (!strcmp(key, "rbits")) v.rbits = atoi(value);
        else goto bad;
    }
    if (v.symbols < 2 || v.symbols > MAXM) goto bad;
    return;
bad:
    fprintf(stderr, "backend: bad variant %s\n", spec);
    exit(2);
}

/* multi-symbol: AdaptiveCdf of golden/arith.py with two estimators, averaged */
typedef struct { int64_t cdf[2][MAXM + 1]; int count; } Cdf;

static void cdf_reset(Cdf *c, int64_t total)
{
    int64_t sum = 0;
    for (int i = 0; i <= v.symbols; i++) {
        int64_t value = have_prior ? sum << v.frac : total * i / v.symbols;
        c->cdf[0][i] = c->cdf[1][i] = value;
        if (i < v.symbols) sum += prior[i];
    }
    c->count = v.count0;
}

static int64_t bound(const Cdf *c, int s)
{
    return ((c->cdf[0][s] + c->cdf[1][s]) >> (v.frac + 1)) + s;
}

static int warm_shift(int count, int shift)
{
    if (!v.warm) return shift;
    int q = 0;
    while ((count + 1) >> q) q++;   /* bit length of count + 1 */
    return q < shift ? q : shift;
}

static void cdf_update(Cdf *c, int symbol, int64_t total)
{
    int shifts[2] = { warm_shift(c->count, v.fast), warm_shift(c->count, v.slow) };
    for (int e = 0; e < 2; e++)
        for (int i = 1; i < v.symbols; i++) {
            int64_t x = c->cdf[e][i];
            c->cdf[e][i] = i > symbol ? x + ((total - x) >> shifts[e]) : x - (x >> shifts[e]);
        }
    c->count++;
}

/* binary: a probability of 0 in 16 bits, two estimators averaged */
typedef struct { int p[2]; int count; } Bin;

static double bin_cost(Bin *b, int bit)
{
    int p0 = (b->p[0] + b->p[1]) >> 1;
    p0 = clamp(p0, 32, 65536 - 32);
    double cost = -log2((bit ? 65536 - p0 : p0) / 65536.0);
    int shifts[2] = { warm_shift(b->count, v.fast), warm_shift(b->count, v.slow) };
    for (int e = 0; e < 2; e++)
        b->p[e] += ((bit ? 0 : 65536) - b->p[e]) >> shifts[e];   /* floor, as hardware */
    b->count++;
    return cost;
}

static double eg_bits(unsigned value)
{
    int m = 0;
    while ((value + 1) >> (m + 1)) m++;
    return 2 * m + 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: backend STREAMS VARIANT [PRIOR]\n");
        return 2;
    }
    parse(argv[2]);
    int64_t total = ((1 << PROB) - v.symbols) << v.frac;
    if (argc > 3) {
        FILE *p = fopen(argv[3], "r");
        int64_t sum = 0;
        for (int i = 0; i < v.symbols; i++)
            if (!p || fscanf(p, "%lld", (long long *)&prior[i]) != 1) return 3;
        fclose(p);
        for (int i = 0; i < v.symbols; i++) sum += prior[i];
        if (sum != (1 << PROB) - v.symbols) return fprintf(stderr, "prior sum %lld\n", (long long)sum), 3;
        have_prior = 1;
    }
    FILE *in = fopen(argv[1], "rb");
    int32_t files;
    if (!in || fread(&files, 4, 1, in) != 1) return fprintf(stderr, "cannot read %s\n", argv[1]), 1;
    int32_t *lengths = malloc(4 * (size_t)files + 4);
    int64_t all = 0;
    if (fread(lengths, 4, files, in) != (size_t)files) return 1;
    for (int f = 0; f < files; f++) all += lengths[f];
    int16_t *codes = malloc(2 * (size_t)all + 2);
    if (fread(codes, 2, all, in) != (size_t)all) return 1;
    fclose(in);

    static int64_t histogram[WIDTH][MAXM];
    static Cdf cdfs[MAXCTX];
    static Bin unary[WIDTH][16], rest[WIDTH][8];
    const int16_t *x = codes;
    for (int f = 0; f < files; f++) {
        Channel c;
        reset(&c);
        for (int i = 0; i < MAXCTX; i++) cdf_reset(&cdfs[i], total);
        for (int k = 0; k < WIDTH; k++) {
            for (int j = 0; j < 16; j++) unary[k][j] = (Bin){ { 32768, 32768 }, v.count0 };
            for (int j = 0; j < 8; j++) rest[k][j] = (Bin){ { 32768, 32768 }, v.count0 };
        }
        double bits = 0;
        int64_t rice = 0;
        for (int i = 0; i < lengths[f]; i++, x++) {
            int p = predict(&c), e = ((*x - p + MID) & MAXCODE) - MID;
            unsigned u = e >= 0 ? 2u * e : 2u * -e - 1;
            int k = k_of(c.a, c.n);
            unsigned q = u >> k;
            rice += q < 16 ? q + 1 + k : 16 + WIDTH;
            if (!strcmp(v.coder, "binary")) {
                /* unary bins each in a context (k, position), the top rbits remainder bits
                   in contexts (k, bit), the rest bypass; an escape after 16 zeros */
                unsigned n = q < 16 ? q : 16;
                for (unsigned j = 0; j < n; j++) bits += bin_cost(&unary[k][j], 0);
                if (q < 16) {
                    bits += bin_cost(&unary[k][q], 1);
                    for (int b = 0; b < k; b++)
                        bits += b < v.rbits ? bin_cost(&rest[k][b], (u >> (k - 1 - b)) & 1) : 1;
                } else {
                    bits += WIDTH;
                }
            } else if (!strcmp(v.coder, "multi")) {
                int low = k - v.top < 0 ? 0 : k - v.top;
                int ctx = k;
                if (!strcmp(v.context, "half"))   /* A/N above 2^(k - 1/2): 181/128 ~ sqrt 2 */
                    ctx = 2 * k + ((int64_t)c.a * 181 > ((int64_t)c.n << k) * 128);
                else if (!strcmp(v.context, "fastk"))
                    ctx = k_of(c.a2, c.n2);
                unsigned s = u >> low;
                int symbol = s < (unsigned)v.symbols - 1 ? (int)s : v.symbols - 1;
                Cdf *cdf = &cdfs[ctx];
                bits += -log2((double)(bound(cdf, symbol + 1) - bound(cdf, symbol)) / (1 << PROB));
                if (symbol < v.symbols - 1) bits += low;
                else bits += !strcmp(v.escape, "eg") ? eg_bits(s - symbol) + low : WIDTH;
                cdf_update(cdf, symbol, total);
                histogram[k][symbol]++;
            } else {
                bits += q < 16 ? q + 1 + k : 16 + WIDTH;
            }
            update(&c, *x, p, e);
        }
        printf("%d %d %.1f %lld\n", f, lengths[f], bits, (long long)rice);
    }
    const char *path = getenv("HIST");
    if (path) {
        FILE *h = fopen(path, "w");
        for (int k = 0; k < WIDTH; k++) {
            for (int s = 0; s < v.symbols; s++) fprintf(h, "%lld ", (long long)histogram[k][s]);
            fprintf(h, "\n");
        }
        fclose(h);
    }
    free(codes);
    free(lengths);
    return 0;
}
