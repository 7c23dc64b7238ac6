/* golden/predictor.py and golden/rice.py: a channel's sign-sign LMS predictor and its
   adaptive Rice parameter, the residual's reduction and zigzag. Part of _core.c's one
   translation unit (#included) */

/* golden/rice.py */
#define ESCAPE_ZEROS 16
#define RESET 256
/* golden/predictor.py */
#define AVERAGE_FRAC 8
#define AVERAGE_SHIFT_FAST 3
#define AVERAGE_SHIFT_SLOW 8
#define WEIGHT_FRAC 14
#define WEIGHT_MIN (-8192)
#define WEIGHT_MAX 8191
#define STEP 4

/* One channel: golden.core.ChannelState, that is a Predictor and a RiceAdapter. */
typedef struct {
    _Alignas(16) int32_t weight[4];
    int32_t history[3];
    int32_t average[2]; /* right after history: features_sum() loads the two at once */
    int32_t total, count;
} Channel;
_Static_assert(offsetof(Channel, average) == offsetof(Channel, history) + 3 * sizeof(int32_t),
               "features_sum() loads history and average as one run of int32");

static void channel_reset(Channel *ch, int width)
{
    int32_t mid = 1 << (width - 1);
    int32_t total = ((1 << width) + 32) >> 6;
    memset(ch, 0, sizeof *ch);
    ch->history[0] = ch->history[1] = ch->history[2] = mid;
    ch->average[0] = ch->average[1] = mid << AVERAGE_FRAC;
    ch->total = total > 2 ? total : 2;
    ch->count = 1;
}

/* -1, 0 or 1, from the sign bits of v and of -v (-v wraps for INT32_MIN, which keeps its
   sign bit: -1 then too) */
static inline int32_t sign(int32_t v)
{
    return (v >> 31) | (int32_t)((uint32_t)-v >> 31);
}

/* Predictor.features() */
static inline void features(const Channel *ch, int32_t f[4])
{
    const int32_t *h = ch->history;
    f[0] = h[0] - h[1];
    f[1] = h[1] - h[2];
    f[2] = (ch->average[0] >> AVERAGE_FRAC) - h[0];
    f[3] = (ch->average[1] >> AVERAGE_FRAC) - h[0];
}

/* The weighted sum of Predictor.correction(), before its rounding: int32 (_core.c, Widths) */
static inline int32_t weighted_sum(const Channel *ch, const int32_t f[4])
{
    return ch->weight[0] * f[0] + ch->weight[1] * f[1] + ch->weight[2] * f[2]
         + ch->weight[3] * f[3];
}

/* Predictor.predict() of the weighted sum `acc` */
static inline int32_t predict_sum(const Channel *ch, int32_t acc, int32_t top)
{
    int32_t p = ch->history[0] + ((acc + (1 << (WEIGHT_FRAC - 1))) >> WEIGHT_FRAC);
    /* the clamp as one branch, seldom taken on recordings: fewer instructions than two
       conditional moves */
    if (__builtin_expect((uint32_t)p > (uint32_t)top, 0))
        p = p < 0 ? 0 : top;
    return p;
}

/* Predictor.predict() */
static inline int32_t predict(const Channel *ch, const int32_t f[4], int32_t top)
{
    return predict_sum(ch, weighted_sum(ch, f), top);
}

/* Predictor.update()'s weights: + step where the feature is positive, - step where negative.
   The weights stay well inside their range on recordings (golden/predictor.py), so the clamp
   is a branch almost never taken. */
#ifdef USE_SSE2
static inline void update_weights(Channel *ch, __m128i feature, int32_t step)
{
    const __m128i zero = _mm_setzero_si128(), minus_step = _mm_set1_epi32(-step);
    __m128i weight = _mm_load_si128((const __m128i *)ch->weight);
    weight = _mm_sub_epi32(weight, _mm_and_si128(_mm_cmpgt_epi32(feature, zero), minus_step));
    weight = _mm_add_epi32(weight, _mm_and_si128(_mm_cmplt_epi32(feature, zero), minus_step));
    _mm_store_si128((__m128i *)ch->weight, weight);
    __m128i outside = _mm_or_si128(_mm_cmpgt_epi32(weight, _mm_set1_epi32(WEIGHT_MAX)),
                                   _mm_cmplt_epi32(weight, _mm_set1_epi32(WEIGHT_MIN)));
    if (__builtin_expect(_mm_movemask_epi8(outside), 0))
        for (int i = 0; i < 4; i++) {
            int32_t w = ch->weight[i];
            ch->weight[i] = w < WEIGHT_MIN ? WEIGHT_MIN : w > WEIGHT_MAX ? WEIGHT_MAX : w;
        }
}
#else
static inline void update_weights(Channel *ch, const int32_t f[4], int32_t step)
{
    for (int i = 0; i < 4; i++) {
        int32_t w = ch->weight[i] + step * sign(f[i]);
        if (__builtin_expect((uint32_t)(w - WEIGHT_MIN) > WEIGHT_MAX - WEIGHT_MIN, 0))
            w = w < WEIGHT_MIN ? WEIGHT_MIN : WEIGHT_MAX;
        ch->weight[i] = w;
    }
}
#endif

/* The rest of Predictor.update(), and RiceAdapter.update() */
static inline void update_state(Channel *ch, int32_t sample, int32_t error)
{
    ch->history[2] = ch->history[1];
    ch->history[1] = ch->history[0];
    ch->history[0] = sample;
    ch->average[0] += ((sample << AVERAGE_FRAC) - ch->average[0]) >> AVERAGE_SHIFT_FAST;
    ch->average[1] += ((sample << AVERAGE_FRAC) - ch->average[1]) >> AVERAGE_SHIFT_SLOW;
    ch->total += error < 0 ? -error : error;
    if (++ch->count == RESET) {
        ch->total = (ch->total + 1) >> 1;
        ch->count >>= 1;
    }
}

/* Predictor.update() and RiceAdapter.update() */
static inline void update(Channel *ch, const int32_t f[4], int32_t sample, int32_t prediction,
                          int32_t error)
{
#ifdef USE_SSE2
    __m128i feature = _mm_setr_epi32(f[0], f[1], f[2], f[3]);
    update_weights(ch, feature, STEP * sign(sample - prediction));
#else
    update_weights(ch, f, STEP * sign(sample - prediction));
#endif
    update_state(ch, sample, error);
}

/* A sample's features (features()), kept for its update(), and their weighted sum: as one SSE2
   vector where `vector` (a constant) is set, else as scalars. The loops over several channels
   set it: there the next sample's channel is another, whose prediction does not wait for this
   sample, and what counts is the instructions, fewer with the vector (30 of 400 a sample in
   the adc decoder at 1024 channels, 2% of its time). With one channel the next prediction
   waits for this sample, and the scalar arithmetic is the shorter path. */
typedef struct {
    int32_t f[4];
#ifdef USE_SSE2
    __m128i v;
#endif
} Features;

static inline __attribute__((always_inline)) int32_t
features_sum(const Channel *ch, Features *x, int vector)
{
#ifdef USE_SSE2
    if (vector) {
        /* history and average are adjacent: h0 h1 h2 a0 and h1 h2 a0 a1 in two loads */
        const char *h = (const char *)ch->history;
        __m128i first = _mm_loadu_si128((const __m128i *)h);
        __m128i second = _mm_loadu_si128((const __m128i *)(h + 4));
        second = _mm_srai_epi32(second, AVERAGE_FRAC);
        __m128i minuend = _mm_castps_si128(_mm_shuffle_ps(_mm_castsi128_ps(first),
                                                          _mm_castsi128_ps(second),
                                                          _MM_SHUFFLE(3, 2, 1, 0)));
        x->v = _mm_sub_epi32(minuend, _mm_shuffle_epi32(first, _MM_SHUFFLE(0, 0, 2, 1)));
        /* SSE2 multiplies 32-bit lanes only as unsigned into 64 bits; the low halves of
           those products are the signed products modulo 2^32, and so is their sum, which
           fits int32 (_core.c, Widths) */
        __m128i weight = _mm_load_si128((const __m128i *)ch->weight);
        __m128i sum = _mm_add_epi32(_mm_mul_epu32(weight, x->v),
                                    _mm_mul_epu32(_mm_srli_epi64(weight, 32),
                                                  _mm_srli_epi64(x->v, 32)));
        sum = _mm_add_epi32(sum, _mm_shuffle_epi32(sum, _MM_SHUFFLE(2, 2, 2, 2)));
        return _mm_cvtsi128_si32(sum);
    }
#endif
    (void)vector;
    features(ch, x->f);
    return weighted_sum(ch, x->f);
}

static inline __attribute__((always_inline)) void
update_features(Channel *ch, const Features *x, int vector, int32_t sample, int32_t prediction,
                int32_t error)
{
#ifdef USE_SSE2
    if (vector) {
        update_weights(ch, x->v, STEP * sign(sample - prediction));
        update_state(ch, sample, error);
        return;
    }
#endif
    (void)vector;
    update(ch, x->f, sample, prediction, error);
}

/* rice_k(): the least k with count << k >= total, at most width - 1. Without the loop: with
   d the distance between the leading ones of count and total (0 if count's is higher), k
   is d or d + 1. (total >= 1: it starts at 2 or more and halving rounds up.) */
static inline int rice_k(const Channel *ch, int width)
{
    /* the leading ones' positions, 31 ^ clz: one bsr each, where clz is a bsr and an xor */
    int d = (31 ^ __builtin_clz(ch->total)) - (31 ^ __builtin_clz(ch->count));
    d = d < 0 ? 0 : d;
    int k = d + ((ch->count << d) < ch->total);
    return k < width - 1 ? k : width - 1;
}

/* reduce(): error modulo 2**width, in -2**(width-1) .. 2**(width-1) - 1 */
static inline int32_t reduce(int32_t error, int width)
{
    int32_t half = 1 << (width - 1);
    return ((error + half) & ((1 << width) - 1)) - half;
}

/* golden.rice.zigzag(): 0, -1, 1, -2, ... to 0, 1, 2, 3, ...; without a branch, since the
   residual's sign is a coin toss that a branch predictor loses half the time */
static inline uint32_t zigzag(int32_t error)
{
    return ((uint32_t)error << 1) ^ (uint32_t)(error >> 31);
}

/* golden.rice.unzigzag() */
static inline int32_t unzigzag(uint32_t value)
{
    return (int32_t)((value >> 1) ^ -(value & 1));
}
