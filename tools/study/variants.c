/*
 * variants.c: exact coded size of the training recordings under one predictor / Rice
 * parameter rule pair, to reproduce the comparison that chose the golden model's design.
 *
 * Usage:  variants STREAMS HEADER PREDICTOR KRULE [WEIGHT ... | PREDICTIONS] [-f]
 *
 *   STREAMS    binary file: int32 file count F, F int32 lengths, then every file's int16
 *              10-bit codes back to back (native byte order; tools/study/run.py writes it).
 *   HEADER     container bytes per compressed file besides the coded stream.
 *   PREDICTOR  delta | linear2 | lms-dN | lms-dN+avg | chosen | ls8 | given   (N = 1..32)
 *   KRULE      an64 | an128 | an256 | expS (S = 1..12) | golomb | activity
 *   WEIGHT     the 8 Q14 weights of ls8, on x[n-1]-x[n-2] first.
 *   PREDICTIONS  given: a file in the STREAMS format holding a prediction (0..1023) for
 *              every code, used as is (run.py's hindsight least-squares bounds).
 *   -f         also print every file's coded bits.
 *
 * Output, one line:  bits B samples S bps B/S ratio R h0 H h0file HF
 * where R = sum(44 + 2 n) / sum(ceil(bits / 8) + HEADER) over the files (the challenge's
 * ratio: original WAV bytes over compressed bytes), H the order-0 entropy of the reduced
 * residuals in bits/sample with one histogram pooled over all files, and HF the same with
 * one histogram a file (what an ideal static coder would spend with one / with a fresh
 * table a file; both depend on the predictor only).
 *
 * Everything is per file, as the codec resets at the start of every file, and single
 * channel, as the recordings are mono. "chosen / an256" is the golden model
 * (golden/predictor.py, golden/rice.py, golden/core.py) with the same integer arithmetic,
 * so its bit count must equal 8 * len(golden.core.encode(codes, 10)) up to the padding of
 * the last byte; run.py checks that.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 10                    /* bits of an ADC code */
#define MID (1 << (WIDTH - 1))      /* reset value of the sample history */
#define MAXCODE ((1 << WIDTH) - 1)
#define ESCAPE_ZEROS 16             /* golden/rice.py: quotient that announces an escape */
#define WEIGHT_FRAC 14              /* golden/predictor.py: Q14 weights ... */
#define WEIGHT_MIN (-8192)          /* ... saturating at 14 bits ... */
#define WEIGHT_MAX 8191
#define STEP 4                      /* ... moved by 4 units a sample */
#define AVERAGE_FRAC 8              /* fraction bits of the moving averages */
#define MAXTAPS 32
#define MAXFEATURES (MAXTAPS + 2)

static int sign(int v) { return (v > 0) - (v < 0); }
static int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }
/* Floor of v / 2^s for negative v too (golden uses Python's >>, which floors). */
static int64_t shr(int64_t v, int s) { return v >= 0 ? v >> s : -((-v + (1LL << s) - 1) >> s); }

/* ---------------------------------------------------------------- predictors ------ */

enum { DELTA, LINEAR2, LMS, FIXED, GIVEN };

typedef struct {
    int kind;
    int taps;                 /* past differences used as features */
    int naverages;            /* moving averages used as features, 0..2 */
    int shifts[2];            /* their shifts: avg += (x - avg) >> shift */
    int fixed[MAXTAPS];       /* FIXED: the Q14 weights */
} PredictorSpec;

typedef struct {
    int history[MAXTAPS + 1]; /* x[n-1], x[n-2], ... */
    int averages[2];          /* with AVERAGE_FRAC fraction bits */
    int weights[MAXFEATURES];
} Predictor;

static void predictor_reset(const PredictorSpec *s, Predictor *p)
{
    for (int i = 0; i <= MAXTAPS; i++) p->history[i] = MID;
    for (int i = 0; i < 2; i++) p->averages[i] = MID << AVERAGE_FRAC;
    memset(p->weights, 0, sizeof p->weights);   /* first prediction: x[n-1] */
    if (s->kind == FIXED) memcpy(p->weights, s->fixed, sizeof s->fixed);
}

/* The features of golden/predictor.py: past differences, then distances of x[n-1] from
 * the moving averages (which pull the prediction towards the local / long-run level). */
static int features(const PredictorSpec *s, const Predictor *p, int *f)
{
    int n = 0;
    for (int i = 0; i < s->taps; i++) f[n++] = p->history[i] - p->history[i + 1];
    for (int i = 0; i < s->naverages; i++)
        f[n++] = (p->averages[i] >> AVERAGE_FRAC) - p->history[0];
    return n;
}

static int predict(const PredictorSpec *s, const Predictor *p)
{
    const int *h = p->history;
    if (s->kind == DELTA) return h[0];
    if (s->kind == LINEAR2) return clamp(2 * h[0] - h[1], 0, MAXCODE);
    /* LMS and FIXED: x[n-1] plus a Q14 weighted sum of the features, rounded */
    int f[MAXFEATURES];
    int n = features(s, p, f);
    int64_t acc = 0;
    for (int i = 0; i < n; i++) acc += (int64_t)p->weights[i] * f[i];
    int correction = (int)shr(acc + (1 << (WEIGHT_FRAC - 1)), WEIGHT_FRAC);
    return clamp(h[0] + correction, 0, MAXCODE);
}

static void predictor_update(const PredictorSpec *s, Predictor *p, int x, int prediction)
{
    if (s->kind == LMS) {
        /* sign-sign LMS: no multiplier in the update; direction from the unreduced error */
        int f[MAXFEATURES];
        int n = features(s, p, f);
        int direction = sign(x - prediction);
        for (int i = 0; i < n; i++)
            p->weights[i] = clamp(p->weights[i] + STEP * direction * sign(f[i]),
                                  WEIGHT_MIN, WEIGHT_MAX);
    }
    memmove(p->history + 1, p->history, MAXTAPS * sizeof(int));
    p->history[0] = x;
    for (int i = 0; i < s->naverages; i++)
        p->averages[i] += (int)shr(((int64_t)x << AVERAGE_FRAC) - p->averages[i], s->shifts[i]);
}

/* ---------------------------------------------------------- Rice parameter rules ---- */

enum { AN, EXPONENTIAL, GOLOMB, ACTIVITY };

typedef struct {
    int kind;
    int reset;                /* AN, GOLOMB, ACTIVITY: N at which A and N are halved */
    int shift;                /* EXPONENTIAL: window of 2^shift samples */
} RuleSpec;

/* One JPEG-LS A/N pair (T.87 A.5): A sums recent |e|, N counts them. */
typedef struct { int a, n; } Stats;

typedef struct {
    Stats all;                /* the channel's statistics */
    Stats context[3];         /* ACTIVITY: one pair a context */
    int64_t mean;             /* EXPONENTIAL: running mean of |e|, shift fraction bits */
    int last[2];              /* ACTIVITY: |e[n-1]|, |e[n-2]| */
    int ctx;                  /* ACTIVITY: the context of the current sample */
} Rule;

/* golden/rice.py: A = max(2, (2^W + 32) >> 6) = 16 at reset, N = 1 */
static void stats_reset(Stats *s) { s->a = 16; s->n = 1; }

static void stats_update(Stats *s, int magnitude, int reset)
{
    s->a += magnitude;
    if (++s->n == reset) {   /* halve: k follows a moving window, and A stays bounded */
        s->a = (s->a + 1) >> 1;
        s->n >>= 1;
    }
}

/* The least k with N 2^k >= A, at most W - 1: 2^k is about the mean |e|. */
static int stats_k(const Stats *s)
{
    int k = 0;
    while (((int64_t)s->n << k) < s->a && k < WIDTH - 1) k++;
    return k;
}

static void rule_reset(const RuleSpec *r, Rule *st)
{
    stats_reset(&st->all);
    for (int i = 0; i < 3; i++) stats_reset(&st->context[i]);
    st->mean = (int64_t)16 << r->shift;     /* same start as A / N = 16 */
    st->last[0] = st->last[1] = 0;
    st->ctx = 0;
}

/* Half-step Golomb parameters: m(j) = 1, 2, 3, 4, 6, 8, 12, ... (2^i and 3 2^(i-1)). */
static int golomb_m(int j) { return j == 0 ? 1 : (j & 1) ? 1 << ((j + 1) / 2) : 3 << (j / 2 - 1); }

/* The coding parameter for the next residual: k for Rice, or the index j of m(j). */
static int rule_parameter(const RuleSpec *r, Rule *st)
{
    switch (r->kind) {
    case EXPONENTIAL: {
        int k = 0;
        while (((int64_t)1 << (k + r->shift)) < st->mean && k < WIDTH - 1) k++;
        return k;
    }
    case GOLOMB: {
        /* the least m(j) >= 1.25 A / N. Not m >= A / N, the Rice rule's threshold: rounding
         * up to a power of two makes Rice's m 1.4 A / N on average, near the best m for a
         * geometric u (m ~ 0.69 mean u ~ 1.39 mean |e|); with half steps, m >= A / N would
         * be too small (and loses to Rice); 1.25 measured best of 0.625 .. 1.375 in steps
         * of 1/8 on every 5th training file. */
        int j = 0;
        while (4 * (int64_t)st->all.n * golomb_m(j) < 5 * (int64_t)st->all.a &&
               golomb_m(j) < (1 << (WIDTH - 1)))
            j++;
        return j;
    }
    case ACTIVITY: {
        /* L = |e[n-1]| + |e[n-2]| against the channel's mean |e| = A / N: quiet (L < mean),
         * normal, or busy (L >= 4 mean, a spike in progress); each context has its own A/N.
         * Other thresholds (0.5 and 2, no busy context...) change the size by < 0.05 %. */
        int64_t l = (int64_t)(st->last[0] + st->last[1]) * st->all.n;
        st->ctx = l < st->all.a ? 0 : l < 4 * (int64_t)st->all.a ? 1 : 2;
        return stats_k(&st->context[st->ctx]);
    }
    default:
        return stats_k(&st->all);
    }
}

static void rule_update(const RuleSpec *r, Rule *st, int magnitude)
{
    if (r->kind == EXPONENTIAL) {
        st->mean += magnitude - (st->mean >> r->shift);
        return;
    }
    stats_update(&st->all, magnitude, r->reset);
    if (r->kind == ACTIVITY) {
        stats_update(&st->context[st->ctx], magnitude, r->reset);
        st->last[1] = st->last[0];
        st->last[0] = magnitude;
    }
}

/* Bits of the codeword of u (a zigzagged residual) with parameter k (or j for GOLOMB). */
static int codeword_bits(const RuleSpec *r, unsigned u, int k)
{
    unsigned q, rest_bits;
    if (r->kind == GOLOMB) {
        /* quotient in unary, remainder in truncated binary: b - 1 or b bits, b = ceil(log2 m) */
        unsigned m = golomb_m(k), rem, b = 0;
        q = u / m;
        rem = u % m;
        while ((1u << b) < m) b++;
        rest_bits = rem < (1u << b) - m ? b - 1 : b;   /* m = 1: b = 0, no bits */
    } else {
        q = u >> k;
        rest_bits = k;
    }
    /* golden/rice.py: q zeros, a one, the rest; or an escape: 16 zeros and W plain bits */
    return q < ESCAPE_ZEROS ? (int)(q + 1 + rest_bits) : ESCAPE_ZEROS + WIDTH;
}

/* -------------------------------------------------------------------- the driver ---- */

static int reduce(int e) { return ((e + MID) & MAXCODE) - MID; }     /* T.87 A.4.5 */
static unsigned zigzag(int e) { return e >= 0 ? 2u * e : 2u * -e - 1; } /* 0,-1,1 -> 0,1,2 */

/* Bits an ideal code spends on the `count` occurrences of a value seen count / n times. */
static double entropy_term(int64_t count, int64_t n)
{
    return count ? -count * log2((double)count / n) : 0.0;
}

static void usage(void)
{
    fprintf(stderr, "usage: variants STREAMS HEADER PREDICTOR KRULE [WEIGHT x8 | PREDICTIONS] [-f]\n"
                    "  PREDICTOR: delta linear2 lms-dN lms-dN+avg chosen ls8 given\n"
                    "  KRULE: an64 an128 an256 expS golomb activity\n");
    exit(2);
}

static void parse_predictor(const char *name, PredictorSpec *s)
{
    char rest[16] = "";
    memset(s, 0, sizeof *s);
    if (!strcmp(name, "delta")) s->kind = DELTA;
    else if (!strcmp(name, "linear2")) s->kind = LINEAR2;
    else if (!strcmp(name, "given")) s->kind = GIVEN;
    else if (!strcmp(name, "chosen")) {
        /* golden/predictor.py: TAPS 2, AVERAGE_SHIFTS (3, 8) */
        *s = (PredictorSpec){ .kind = LMS, .taps = 2, .naverages = 2, .shifts = { 3, 8 } };
    } else if (!strcmp(name, "ls8")) {
        s->kind = FIXED;
        s->taps = 8;
    } else if (sscanf(name, "lms-d%d%15s", &s->taps, rest) >= 1 && s->taps >= 1 &&
               s->taps <= MAXTAPS && (!rest[0] || !strcmp(rest, "+avg"))) {
        s->kind = LMS;
        if (rest[0]) {   /* one slow average, as the chosen design's second one */
            s->naverages = 1;
            s->shifts[0] = 8;
        }
    } else usage();
}

static void parse_rule(const char *name, RuleSpec *r)
{
    memset(r, 0, sizeof *r);
    r->reset = 256;
    if (!strcmp(name, "an64")) r->reset = 64;
    else if (!strcmp(name, "an128")) r->reset = 128;
    else if (!strcmp(name, "an256")) r->reset = 256;
    else if (!strcmp(name, "golomb")) r->kind = GOLOMB;
    else if (!strcmp(name, "activity")) r->kind = ACTIVITY;
    else if (sscanf(name, "exp%d", &r->shift) == 1 && r->shift >= 1 && r->shift <= 12)
        r->kind = EXPONENTIAL;
    else usage();
}

int main(int argc, char **argv)
{
    int per_file = 0, nargs = 0;
    char *args[16];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-f")) per_file = 1;
        else if (nargs < 16) args[nargs++] = argv[i];
        else usage();
    }
    if (nargs < 4) usage();

    PredictorSpec ps;
    RuleSpec rs;
    parse_predictor(args[2], &ps);
    parse_rule(args[3], &rs);
    if (ps.kind == FIXED) {
        if (nargs != 4 + ps.taps) usage();
        for (int i = 0; i < ps.taps; i++) ps.fixed[i] = atoi(args[4 + i]);
    } else if (ps.kind == GIVEN) {
        if (nargs != 5) usage();
    } else if (nargs != 4) usage();
    int header = atoi(args[1]);

    /* the code streams */
    FILE *in = fopen(args[0], "rb");
    int32_t nfiles;
    if (!in || fread(&nfiles, 4, 1, in) != 1 || nfiles < 0) {
        fprintf(stderr, "variants: cannot read %s\n", args[0]);
        return 1;
    }
    int32_t *lengths = malloc(4 * (size_t)nfiles + 4);
    int64_t total = 0;
    if (fread(lengths, 4, nfiles, in) != (size_t)nfiles) return fprintf(stderr, "short file\n"), 1;
    for (int f = 0; f < nfiles; f++) total += lengths[f];
    int16_t *codes = malloc(2 * (size_t)total + 2);
    if (fread(codes, 2, total, in) != (size_t)total) return fprintf(stderr, "short file\n"), 1;
    fclose(in);

    /* GIVEN: the predictions, in the same format and with the same lengths */
    int16_t *given = NULL;
    if (ps.kind == GIVEN) {
        int32_t gfiles, glength;
        in = fopen(args[4], "rb");
        if (!in || fread(&gfiles, 4, 1, in) != 1 || gfiles != nfiles)
            return fprintf(stderr, "variants: cannot read %s\n", args[4]), 1;
        for (int f = 0; f < nfiles; f++)
            if (fread(&glength, 4, 1, in) != 1 || glength != lengths[f])
                return fprintf(stderr, "variants: %s does not match\n", args[4]), 1;
        given = malloc(2 * (size_t)total + 2);
        if (fread(given, 2, total, in) != (size_t)total) return fprintf(stderr, "short file\n"), 1;
        fclose(in);
    }

    int64_t bits = 0, histogram[1 << WIDTH] = { 0 }, file_histogram[1 << WIDTH];
    double original = 0, compressed = 0, h0_files = 0;
    const int16_t *x = codes;
    for (int f = 0; f < nfiles; f++) {
        Predictor p;   /* the codec resets its state for every file */
        Rule rule;
        predictor_reset(&ps, &p);
        rule_reset(&rs, &rule);
        int64_t file_bits = 0;
        memset(file_histogram, 0, sizeof file_histogram);
        for (int i = 0; i < lengths[f]; i++, x++) {
            int prediction = given ? given[x - codes] : predict(&ps, &p);
            int e = reduce(*x - prediction);
            int k = rule_parameter(&rs, &rule);
            file_bits += codeword_bits(&rs, zigzag(e), k);
            file_histogram[e + MID]++;
            predictor_update(&ps, &p, *x, prediction);
            rule_update(&rs, &rule, abs(e));
        }
        for (int i = 0; i < 1 << WIDTH; i++) {
            histogram[i] += file_histogram[i];
            h0_files += entropy_term(file_histogram[i], lengths[f]);
        }
        if (per_file) printf("file %d bits %lld\n", f, (long long)file_bits);
        bits += file_bits;
        original += 44 + 2.0 * lengths[f];
        compressed += (double)((file_bits + 7) / 8 + header);
    }

    double h0 = 0;
    for (int i = 0; i < 1 << WIDTH; i++) h0 += entropy_term(histogram[i], total);
    if (total == 0) total = 1;
    printf("bits %lld samples %lld bps %.4f ratio %.4f h0 %.4f h0file %.4f\n",
           (long long)bits, (long long)total, (double)bits / total, original / compressed,
           h0 / total, h0_files / total);
    free(given);
    free(codes);
    free(lengths);
    return 0;
}
