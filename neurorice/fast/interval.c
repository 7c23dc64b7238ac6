/* The ADC-aware back end (coder "adc"): golden/interval.py on the axis of golden/adc.py, bit
 * for bit. Included by _core.c, one translation unit, so that the predictor, the near-lossless
 * steps and the bit source inline here as in the arith back end.
 *
 * The width table reaches C as its edges only, edge(0) .. edge(2^W) as native int32, made by
 * neurorice/fast/edges.py from a golden.adc.AdcTable: code x owns [edge(x), edge(x + 1)), so
 * its width and centre follow, and C never parses a table.
 *
 * Widths: an edge is at most 255 * 2^16 < 2^24, an offset from the analog prediction as much
 * either way, an interpolation's product below 2^14 * 2^6: all int32.
 *
 * Speed: x86-64 shifts by a variable only through cl, and the model shifts by k's bin width
 * everywhere, so each sample is compiled for k = 2, 3 and 4 as constants (ADC_BY_K).
 *
 * The decoder does not bisect the bins as golden does (about W interval evaluations a
 * sample): it inverts the model (adc_find()), one division, and checks the code it finds
 * with that code's exact interval; the bisection is only the fallback of that check. (Other
 * inversions measured slower: comparing two candidate codes on the bin's line instead of
 * dividing, and finding the bin on the code rather than on the target, both lengthen the
 * sample by 1.5 to 3 ns; so did testing the next few codes' starts against the target
 * instead of dividing, by 5 ns.) The target's bin is found from the range decoder's code
 * and range (adc_bin_at()), so that the search need not wait for the target's division: a
 * sample is a chain of steps each waiting for the last, and the next sample waits for its
 * end.
 *
 * With many channels k changes from one sample to the next, and ADC_BY_K's branches are
 * mispredicted (a k fixed at 3 by encoder and decoder alike took 1 ns off the decoder's
 * sample at 1024 channels); but a k held in a variable, with bins scaled to one shift or
 * lower edges scaled to it, measured 1.5 to 5 ns slower.
 */

/* golden/adc.py */
#define FRACTION_BITS 4
#define MAX_CODE_WIDTH 255
/* golden/interval.py */
#define BINS 32
#define BIN_SHIFT (FRACTION_BITS - 2)
#define INTERPOLATION_BITS 6
#define CONTEXTS 4
#define UPDATE_EVERY 4
#define ADC_RATE 12
#define HALF ((1 << (PROB_BITS - 1)) - 1)
#define ADC_ESCAPE (2 * HALF)
#define ADC_ADAPTIVE_TOTAL (HALF - BINS)
#define ADC_PRIOR_COUNT 63
static const uint16_t ADC_PRIOR[CONTEXTS][BINS] = {
    {12498, 3433, 41, 34, 27, 27, 25, 22, 19, 19, 17, 20, 16, 14, 13, 11,
     11, 10, 9, 10, 7, 5, 6, 5, 5, 4, 5, 3, 4, 4, 3, 24},
    {9832, 922, 716, 661, 649, 527, 482, 419, 346, 284, 237, 220, 169, 153, 115, 99,
     93, 57, 49, 49, 40, 29, 22, 22, 23, 18, 13, 14, 14, 8, 6, 63},
    {2851, 2787, 2511, 2150, 1754, 1355, 1002, 705, 476, 309, 191, 113, 65, 38, 20, 11,
     5, 3, 2, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0},
    {4266, 3847, 3046, 2153, 1375, 800, 430, 219, 107, 52, 25, 13, 7, 3, 3, 1,
     1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0},
};
_Static_assert(INTERPOLATION_BITS == 6 && HALF < 1 << 15, "bounds are int16, a piece's"
               " interpolation at most 6 bits");

/* golden.interval.AdaptiveCdf. cdf[BINS] is ADAPTIVE_TOTAL << RATE for good (the update
   leaves it), so only cdf[0 .. BINS - 1] is kept; bound() is kept beside it, recomputed at
   each update (every UPDATE_EVERY-th sample), as int16 for the decoder's vector search. */
typedef struct {
    _Alignas(16) int32_t cdf[BINS];
    _Alignas(16) int16_t bound[BINS + 8]; /* bound(0 .. BINS), bound(BINS) = HALF; padding */
    /* the decoder's: 2 (HALF + bound(i)) and 2 (HALF - bound(i)), i < BINS (adc_bin_at()),
       kept with the bounds */
    _Alignas(16) uint16_t up[BINS], down[BINS];
    uint32_t count, seen;
} AdcContext;

/* A Rice parameter's scale: its bins are 2^shift units wide (Model's `shift`, bin_shift()),
   interpolated from the top `keep` bits of the position (`drop` bits dropped). Computed
   where it is used (adc_scale()), so that where k is a constant it is all constants. */
typedef struct {
    int32_t shift, tail, mask, drop, keep;
} AdcScale;

static inline AdcScale adc_scale(int k)
{
    AdcScale s;
    s.shift = k + BIN_SHIFT;
    s.tail = (BINS - 1) << s.shift;
    s.mask = (1 << s.shift) - 1;
    s.drop = s.shift > INTERPOLATION_BITS ? s.shift - INTERPOLATION_BITS : 0;
    s.keep = s.shift - s.drop;
    return s;
}

/* golden.interval.Model, with tables of the stream's edges */
typedef struct {
    const int32_t *edge;       /* edge(0 .. 2^W), the caller's */
    int32_t *lower;            /* adc_start()'s edges: edge(1 .. 2^W - 1), and for codes 0
                                  and 2^W positions so far off the axis that cum() is 0 and
                                  ESCAPE there, as Model.interval() has it, without a branch */
    int32_t *centre;           /* centre(0 .. 2^W - 1) */
    uint16_t *inverse;         /* decoder: see adc_code_at() */
    int inverse_shift;
    int32_t top;               /* the highest code, 2^W - 1 */
    int32_t top_edge;          /* edge(2^W): the analog axis's end */
    int32_t span_size, span_drop, span_keep; /* the last bin: 2^(W + FRACTION_BITS) units */
    AdcContext contexts[CONTEXTS];
} AdcModel;

/* Beyond any offset of the axis (|offset| < 2^25) by more than the magnitude's whole range
   ((BINS - 1) << (MAX_WIDTH + 1 + BIN_SHIFT) + 2^(MAX_WIDTH + FRACTION_BITS) < 2^23) */
#define FAR (1 << 28)

/* AdcContext.up and .down from the bounds */
static inline void adc_sides(AdcContext *c)
{
    for (int i = 0; i < BINS; i++) {
        c->up[i] = (uint16_t)(2 * (HALF + c->bound[i]));
        c->down[i] = (uint16_t)(2 * (HALF - c->bound[i]));
    }
}

static void adc_context_reset(AdcContext *c, int context)
{
    int32_t sum = 0;
    for (int i = 0; i < BINS; i++) {
        c->cdf[i] = sum << ADC_RATE;
        c->bound[i] = (int16_t)(sum + i);
        sum += ADC_PRIOR[context][i];
    }
    for (int i = BINS; i < BINS + 8; i++)
        c->bound[i] = HALF;
    adc_sides(c);
    c->count = ADC_PRIOR_COUNT;
    c->seen = 0;
}

/* Model(width, table) for `edge` checked by adc_edges(), and its tables: -1 without memory
   (nothing to free), else 0 and adc_model_free() to come */
static int adc_model_open(AdcModel *m, const int32_t *edge, int width)
{
    int32_t codes = 1 << width;
    m->edge = edge;
    m->lower = PyMem_Malloc((2 * (size_t)codes + 1) * sizeof(int32_t));
    if (!m->lower)
        return -1;
    m->centre = m->lower + codes + 1;
    m->inverse = NULL;
    m->inverse_shift = 0;
    memcpy(m->lower, edge, (codes + 1) * sizeof(int32_t));
    m->lower[0] = -FAR;
    m->lower[codes] = FAR;
    for (int32_t x = 0; x < codes; x++)
        m->centre[x] = edge[x] + ((edge[x + 1] - edge[x]) >> 1);
    m->top = (1 << width) - 1;
    m->top_edge = edge[1 << width];
    int span = width + FRACTION_BITS;
    m->span_size = 1 << span;
    m->span_drop = span > INTERPOLATION_BITS ? span - INTERPOLATION_BITS : 0;
    m->span_keep = span - m->span_drop;
    for (int c = 0; c < CONTEXTS; c++)
        adc_context_reset(&m->contexts[c], c);
    return 0;
}

static void adc_model_free(AdcModel *m)
{
    PyMem_Free(m->lower);
    PyMem_Free(m->inverse);
}

/* AdcTable.centre() */
static inline int32_t adc_centre(const AdcModel *m, int32_t code)
{
    return m->centre[code];
}

/* Model.analog_prediction() of the previous code and the weighted sum `acc`, whose rounding
   to FRACTION_BITS fraction bits is Predictor.correction(FRACTION_BITS) */
static inline int32_t adc_analog(const AdcModel *m, int32_t previous, int32_t acc)
{
    const int drop = WEIGHT_FRAC - FRACTION_BITS;
    int32_t analog = adc_centre(m, previous) + ((acc + (1 << (drop - 1))) >> drop);
    return analog < 0 ? 0 : analog > m->top_edge ? m->top_edge : analog;
}

/* AdaptiveCdf.magnitude(): G(u), u >= 0 */
static inline __attribute__((always_inline)) int32_t
adc_magnitude(const AdcModel *m, const AdcContext *c, AdcScale s, int32_t u)
{
    if (__builtin_expect(u < s.tail, 1)) {
        int32_t i = u >> s.shift, low = c->bound[i];
        return low + (((c->bound[i + 1] - low) * ((u & s.mask) >> s.drop)) >> s.keep);
    }
    u -= s.tail;
    if (u >= m->span_size)
        return HALF;
    int32_t low = c->bound[BINS - 1];
    return low + (((HALF - low) * (u >> m->span_drop)) >> m->span_keep);
}

/* AdaptiveCdf.cumulative(): HALF + G(offset), or HALF - G(-offset) below 0; the sign, a coin
   toss that a branch predictor would lose half the time, is applied without a branch */
static inline __attribute__((always_inline)) int32_t
adc_cumulative(const AdcModel *m, const AdcContext *c, AdcScale s, int32_t offset)
{
    int32_t sign = offset >> 31;
    int32_t g = adc_magnitude(m, c, s, (offset ^ sign) - sign);
    return HALF + ((g ^ sign) - sign);
}

/* Where the interval of `code` starts, out of 2^PROB_BITS: cum(edge(code) - P), but 0 for the
   lowest code and ESCAPE past the highest (code 2^W), which `lower` gives without a branch.
   Model.interval() of the codes `lowest .. highest` is [adc_start(lowest),
   adc_start(highest + 1)); the starts never decrease with the code. */
static inline __attribute__((always_inline)) int32_t
adc_start(const AdcModel *m, const AdcContext *c, AdcScale s, int32_t code, int32_t analog)
{
    return adc_cumulative(m, c, s, m->lower[code] - analog);
}

/* AdaptiveCdf.observe() of the restored code's magnitude bin */
static inline __attribute__((always_inline)) void
adc_observe(AdcContext *c, int32_t distance, int shift, int sides)
{
    if (++c->seen < UPDATE_EVERY)
        return;
    c->seen = 0;
    int32_t bin = distance >> shift;
    bin = bin < BINS - 1 ? bin : BINS - 1;
    /* as context_update(): c -= (c + a) >> t, a = 2^t - 1 - T above the bin, 0 at and below
       it, is both directions of golden's update (T a multiple of 2^t) */
    int t = 32 - __builtin_clz(c->count + 1);
    t = t < ADC_RATE ? t : ADC_RATE;
    const int32_t up = (1 << t) - 1 - (ADC_ADAPTIVE_TOTAL << ADC_RATE);
    for (int i = 0; i < BINS; i++)
        c->cdf[i] -= (c->cdf[i] + (i > bin ? up : 0)) >> t;
#ifdef USE_SSE2
    /* bound(i) = (cdf[i] >> RATE) + i < 2^15, so packs does not saturate; eight at a time
       with their up and down where `sides` (the decoder) */
    const __m128i half = _mm_set1_epi16(HALF);
    for (int i = 0; i < BINS; i += 8) {
        const __m128i *cdf = (const __m128i *)(c->cdf + i);
        __m128i b = _mm_packs_epi32(_mm_srai_epi32(_mm_load_si128(cdf), ADC_RATE),
                                    _mm_srai_epi32(_mm_load_si128(cdf + 1), ADC_RATE));
        b = _mm_add_epi16(b, _mm_setr_epi16(i, i + 1, i + 2, i + 3, i + 4, i + 5, i + 6,
                                            i + 7));
        _mm_store_si128((__m128i *)(c->bound + i), b);
        if (sides) {
            _mm_store_si128((__m128i *)(c->up + i), _mm_slli_epi16(_mm_add_epi16(half, b), 1));
            _mm_store_si128((__m128i *)(c->down + i),
                            _mm_slli_epi16(_mm_sub_epi16(half, b), 1));
        }
    }
#else
    for (int i = 0; i < BINS; i++)
        c->bound[i] = (int16_t)((c->cdf[i] >> ADC_RATE) + i);
    if (sides)
        adc_sides(c);
#endif
    c->count += c->count < (1u << ADC_RATE) - 1;
}

/* The bins of codes of near-lossless coding: bin q holds the codes lowest .. highest
   (Model.span()), the code restored is clamp(p + q step) */
static inline void adc_span(int32_t prediction, int32_t q, const Near *n, int32_t *lowest,
                            int32_t *highest)
{
    int32_t centre = prediction + q * n->step;
    *lowest = centre - n->near > 0 ? centre - n->near : 0;
    *highest = centre + n->near < n->top ? centre + n->near : n->top;
}

/* One range-coder step of encode_arith_with(), state in a struct that the compiler keeps
   in registers once inlined: code [start, end) then the `bits`-bit bypass value `rest`
   (both shifts at once), writing whole bytes with a branchless store and adding a carry
   to the bytes already written. */
typedef struct {
    uint64_t low;
    uint32_t range;
    int fill;
    uint8_t *o, *out;
} RangeOut;

static inline void range_out(RangeOut *r, uint32_t start, uint32_t end, uint32_t rest, int bits)
{
    uint32_t bottom = (r->range * start) >> PROB_BITS;
    uint32_t range = ((r->range * end) >> PROB_BITS) - bottom;
    int shift = __builtin_clz(range) - (32 - RANGE_BITS);
    range <<= shift;
    r->range = range;
    uint64_t low = ((r->low + bottom) << (shift + bits)) + (uint64_t)rest * range;
    r->fill += shift + bits;
    int window = RANGE_BITS + r->fill;
    if (__builtin_expect(low >> window, 0)) {
        uint8_t *p = r->o;
        while (p > r->out && *--p == 0xFF)
            *p = 0;
        ++*p;
        low &= ((uint64_t)1 << window) - 1;
    }
    store_be64(r->o, low << (64 - window));
    r->o += r->fill >> 3;
    r->fill &= 7;
    r->low = low & (((uint64_t)1 << (RANGE_BITS + r->fill)) - 1);
}

/* IntervalEncoder.write() of `sample` (restored), bin lowest .. highest, with Rice parameter
   `k`: inlined with k a constant where it is one (see ADC_BY_K) */
static inline __attribute__((always_inline)) void
adc_encode_one(AdcModel *m, RangeOut *r, int k, int g, int width, int32_t previous,
               int32_t acc, int32_t sample, int32_t lowest, int32_t highest)
{
    AdcContext *c = &m->contexts[k < CONTEXTS - 1 ? k : CONTEXTS - 1];
    const AdcScale s = adc_scale(k + g);
    int32_t analog = adc_analog(m, previous, acc);
    int32_t low = adc_start(m, c, s, lowest, analog);
    int32_t high = adc_start(m, c, s, highest + 1, analog);
    if (__builtin_expect(high > low, 1))
        range_out(r, low, high, 0, 0);
    else
        range_out(r, ADC_ESCAPE, 1u << PROB_BITS, sample, width);
    int32_t distance = adc_centre(m, sample) - analog;
    adc_observe(c, distance < 0 ? -distance : distance, s.shift, 0);
}

/* `call` with its `k_` the constant 2, 3 or 4 where k is one, else k: the scale's shifts,
   masks and tail are then constants (k = 2 and 3 as constants took a sixth off the encoder's
   time and a tenth off the decoder's on recordings, which have those k nearly always, and
   change k seldom, so that the branches are predicted) */
#define ADC_BY_K(k, call)                                                                  \
    do {                                                                                   \
        if ((k) == 3) {                                                                    \
            const int k_ = 3;                                                              \
            call;                                                                          \
        } else if ((k) == 2) {                                                             \
            const int k_ = 2;                                                              \
            call;                                                                          \
        } else if ((k) == 4) {                                                             \
            const int k_ = 4;                                                              \
            call;                                                                          \
        } else {                                                                           \
            const int k_ = (k);                                                            \
            call;                                                                          \
        }                                                                                  \
    } while (0)

/* encode_adc() for `mono` a constant, as encode_arith_with() */
static inline __attribute__((always_inline)) uint8_t *
encode_adc_with(const uint16_t *samples, Py_ssize_t count, int width, const Near *n,
                AdcModel *m, Channel *state, Py_ssize_t channels, uint8_t *out,
                Py_ssize_t *bad, int mono)
{
    Channel one = *state;
    const int32_t top = (1 << width) - 1;
    RangeOut r = {0, INITIAL_RANGE, 0, out, out};
    Channel *ch = mono ? &one : state, *last = state + channels - 1;
    for (Py_ssize_t i = 0; i < count; i++) {
        int32_t sample = samples[i];
        if (sample > top) {
            *bad = i;
            return NULL;
        }
        /* golden.core.encode_stream(): the prediction, q, the restored sample, e */
        Features f;
        int32_t acc = features_sum(ch, &f, !mono);
        int32_t prediction = predict_sum(ch, acc, top), q, error, lowest, highest;
        if (n->near) {
            q = near_quantise(sample - prediction, n);
            sample = clamp_sample(prediction + q * n->step, top);
            error = near_reduce(q, n);
            adc_span(prediction, q, n, &lowest, &highest);
        } else {
            q = sample - prediction;
            error = reduce(q, width);
            lowest = highest = sample;
        }
        int k = rice_k(ch, width);
        /* g, the bins' near-lossless scale, is 0 lossless: a constant there, with k */
        if (n->near)
            adc_encode_one(m, &r, k, n->bins, width, ch->history[0], acc, sample, lowest,
                           highest);
        else
            ADC_BY_K(k, adc_encode_one(m, &r, k_, 0, width, ch->history[0], acc, sample,
                                       lowest, highest));
        update_features(ch, &f, !mono, sample, prediction, error);
        if (!mono)
            ch = ch == last ? state : ch + 1;
    }
    /* RangeEncoder.finish() */
    int window = RANGE_BITS + r.fill;
    store_be64(r.o, r.low << (64 - window));
    return r.o + (window + 7) / 8;
}

/* golden.core.encode() with coder="adc" into `out`, as encode_arith(); `m` opened. Without
   the GIL. */
static uint8_t *encode_adc(const uint16_t *samples, Py_ssize_t count, int width, const Near *n,
                           AdcModel *m, Channel *state, Py_ssize_t channels, uint8_t *out,
                           Py_ssize_t *bad)
{
    /* lossless, a constant: no test of n->near a sample */
    static const Near none = {0};
    if (!n->near) {
        if (channels == 1)
            return encode_adc_with(samples, count, width, &none, m, state, 1, out, bad, 1);
        return encode_adc_with(samples, count, width, &none, m, state, channels, out, bad, 0);
    }
    if (channels == 1)
        return encode_adc_with(samples, count, width, n, m, state, 1, out, bad, 1);
    return encode_adc_with(samples, count, width, n, m, state, channels, out, bad, 0);
}

/* The decoder's search. The last bin i (0 .. BINS - 1) with bound(i) <= level; bound(0) = 0
   <= level. The bounds rise, so those above the level are a suffix, found with SSE2 as
   find_symbol() finds a symbol; the last 16 bins hold little (PRIOR), so they are looked at
   only when the first 16 are all at most the level. */
static inline int adc_bin_of(const AdcContext *c, int32_t level)
{
#ifdef USE_SSE2
    const __m128i v = _mm_set1_epi16((short)level);
    const __m128i *bound = (const __m128i *)c->bound;
    unsigned above = (unsigned)_mm_movemask_epi8(
        _mm_packs_epi16(_mm_cmpgt_epi16(_mm_load_si128(bound), v),
                        _mm_cmpgt_epi16(_mm_load_si128(bound + 1), v)));
    if (__builtin_expect(above != 0, 1))
        return __builtin_ctz(above) - 1;
    above = (unsigned)_mm_movemask_epi8(
        _mm_packs_epi16(_mm_cmpgt_epi16(_mm_load_si128(bound + 2), v),
                        _mm_cmpgt_epi16(_mm_load_si128(bound + 3), v)));
    return 16 + (above ? __builtin_ctz(above) : 16) - 1;
#else
    int bin = 0;
    for (int i = 1; i < BINS; i++)
        bin += c->bound[i] <= level;
    return bin;
#endif
}

#ifdef USE_SSE2
/* 0xFFFF in the lanes i of `twice` (2 L, L < 2^15) whose (range L) >> PROB_BITS, the range
   decoder's bottom of a start L, is at most code: those where L <= target */
static inline __m128i adc_reached(__m128i range, __m128i code, const uint16_t *twice)
{
    __m128i bottom = _mm_mulhi_epu16(range, _mm_load_si128((const __m128i *)twice));
    return _mm_cmpeq_epi16(_mm_subs_epu16(bottom, code), _mm_setzero_si128());
}

static inline unsigned adc_reached16(__m128i range, __m128i code, const uint16_t *twice)
{
    return (unsigned)_mm_movemask_epi8(_mm_packs_epi16(adc_reached(range, code, twice),
                                                       adc_reached(range, code, twice + 8)));
}
#endif

/* adc_bin_of(level), found from the range decoder's state instead of the target, which
   is a division away (RangeDecoder.target(), (((code + 1) << PROB_BITS) - 1) / range): a
   start L is at most the target exactly when (range L) >> PROB_BITS <= code, which
   pmulhuw gives for eight L at once. bound(i) > level, above HALF, is HALF + bound(i) >
   target; below, it is HALF - bound(i) <= target. Which side is lane 0 of the first:
   HALF + bound(0) = HALF <= target. (The decoder took 1.7 ns less a sample on one
   channel, 0.5 ns less at 1024 channels.) */
static inline int adc_bin_at(const AdcContext *c, uint32_t range, uint32_t code, int32_t level)
{
#ifdef USE_SSE2
    const __m128i r = _mm_set1_epi16((short)range), v = _mm_set1_epi16((short)code);
    unsigned up = adc_reached16(r, v, c->up), down = adc_reached16(r, v, c->down);
    /* all ones at or above HALF; the select as masks, since the side is a coin toss */
    unsigned side = 0u - (up & 1);
    unsigned above = ((~up & 0xFFFF) & side) | (down & ~side);
    if (__builtin_expect(above != 0, 1))
        return __builtin_ctz(above) - 1;
    up = adc_reached16(r, v, c->up + 16);
    down = adc_reached16(r, v, c->down + 16);
    above = ((~up & 0xFFFF) & side) | (down & ~side);
    return 16 + (above ? __builtin_ctz(above) : 16) - 1;
#else
    return adc_bin_of(c, level);
#endif
}

/* min(2^W - 1, the largest code x with edge(x) <= position), 0 below the axis. inverse[j]
   is that code of position j << inverse_shift: the code itself on an axis of at most
   2^16 units (a 10-bit table), otherwise the code lies between inverse[j] and inverse[j + 1],
   a code or two apart on a calibrated table, and is bisected. */
static inline int32_t adc_code_at(const AdcModel *m, int32_t position)
{
    if (__builtin_expect(position < 0, 0))
        return 0;
    if (__builtin_expect(position >= m->top_edge, 0))
        return m->top;
    if (m->inverse_shift == 0) /* before the shift by it, which the common case skips */
        return m->inverse[position];
    int32_t j = position >> m->inverse_shift, lowest = m->inverse[j];
    int32_t highest = m->inverse[j + 1];
    while (lowest < highest) {
        int32_t middle = (lowest + highest + 1) >> 1;
        if (m->edge[middle] <= position)
            lowest = middle;
        else
            highest = middle - 1;
    }
    return lowest;
}

/* The decoder's table of adc_code_at(): -1 without memory */
static int adc_inverse(AdcModel *m)
{
    int bits = 32 - __builtin_clz((uint32_t)m->top_edge), codes = m->top + 1;
    /* about four entries a code, so that inverse[j] and inverse[j + 1] are rarely more than
       a code apart */
    int shift = bits - (32 - __builtin_clz((uint32_t)codes)) - 1;
    m->inverse_shift = bits <= 16 || shift < 0 ? 0 : shift;
    /* an entry for every position below top_edge, and one more */
    int32_t entries = ((m->top_edge - 1) >> m->inverse_shift) + 2;
    m->inverse = PyMem_Malloc(entries * sizeof *m->inverse);
    if (!m->inverse)
        return -1;
    int32_t code = 0;
    for (int32_t j = 0; j < entries; j++) {
        int64_t position = (int64_t)j << m->inverse_shift;
        while (code < codes && m->edge[code + 1] <= position)
            code++;
        m->inverse[j] = (uint16_t)(code < m->top ? code : m->top);
    }
    return 0;
}

/* The bisection of IntervalDecoder.read() over every code: the fallback of adc_find() */
static __attribute__((noinline, cold)) int32_t
adc_bisect(const AdcModel *m, const AdcContext *c, AdcScale s, int32_t analog,
           int32_t target)
{
    int32_t first = 0, last = m->top;
    while (first < last) {
        int32_t middle = (first + last + 1) >> 1;
        if (adc_start(m, c, s, middle, analog) <= target)
            first = middle;
        else
            last = middle - 1;
    }
    return first;
}

/* The last code x whose interval starts at or below `target` (< ESCAPE), with [*low, *high)
   its interval, which holds the target. At δ = 0 that is the bin IntervalDecoder.read()
   bisects for; near-lossless, the bin sought holds x.

   The starts are cum(edge(x) - P), so x is the last code whose lower edge lies at or below
   P + V, V the largest offset with cum(V) <= target. Above HALF, V is the largest magnitude
   with G(V) <= g = target - HALF; below, -V is the least with G(-V) >= h = HALF - target.
   Either lies in the bin i found among the bounds (level = g, or h - 1, compared as <=), on
   its linear piece G = lo + (d ((u - base) >> drop)) >> keep, whose inverse is a division.
   The code found is checked with its exact interval, which holds the target for that code
   alone (the starts never decrease), so the result is golden's whatever the arithmetic
   above. The fallback is never taken as far as anyone has seen: a build that aborts there
   decoded the training recordings, random tables of every width and garbage streams. */
static inline __attribute__((always_inline)) int32_t
adc_find(const AdcModel *m, const AdcContext *c, AdcScale s, int32_t analog, int32_t target,
         uint32_t range, uint32_t code, int32_t *low, int32_t *high)
{
    int32_t below = (target - HALF) >> 31; /* 0 at or above HALF, -1 below */
    int32_t level = (target - HALF) ^ below;
    int bin = adc_bin_at(c, range, code, level);
    int32_t base, drop, keep, start = c->bound[bin];
    if (__builtin_expect(bin < BINS - 1, 1)) {
        base = bin << s.shift;
        drop = s.drop;
        keep = s.keep;
    } else {
        base = s.tail;
        drop = m->span_drop;
        keep = m->span_keep;
    }
    int32_t d = c->bound[bin + 1] - start; /* >= 1; bound(BINS) = HALF */
    /* above: the largest step p with (d p) >> keep <= g - lo, floor((((g - lo + 1) << keep)
       - 1) / d); below: the least with (d p) >> keep >= h - lo, ceil(((h - lo) << keep) / d) */
    uint32_t numerator = (((level - start + 1) << keep) - 1) + (d & below);
    int32_t steps = (int32_t)(numerator / (uint32_t)d);
    /* above: the last offset of step p; below: its first */
    int32_t reach = base + (steps << drop) + (((1 << drop) - 1) & ~below);
    int32_t x = adc_code_at(m, analog + ((reach ^ below) - below));
    *low = adc_start(m, c, s, x, analog);
    *high = adc_start(m, c, s, x + 1, analog);
    if (__builtin_expect(*low <= target && target < *high, 1))
        return x;
    x = adc_bisect(m, c, s, analog, target);
    *low = adc_start(m, c, s, x, analog);
    *high = adc_start(m, c, s, x + 1, analog);
    return x;
}

/* The range decoder's state, and its bits */
typedef struct {
    uint32_t code, range;
    BitSource bits;
} RangeIn;

/* IntervalDecoder.read() with Rice parameter `k` (a constant where it is one: ADC_BY_K):
   DECODED and in *restored the code the decoder restores and in *q the quantised residual,
   or the error's status */
static inline __attribute__((always_inline)) int
adc_decode_one(AdcModel *m, RangeIn *r, int k, int g, int width, const Near *n,
               int32_t previous, int32_t acc, int32_t prediction, int32_t *restored_,
               int32_t *q_)
{
    const int32_t top = (1 << width) - 1;
    AdcContext *c = &m->contexts[k < CONTEXTS - 1 ? k : CONTEXTS - 1];
    const AdcScale s = adc_scale(k + g);
    int32_t analog = adc_analog(m, previous, acc);
    uint32_t code = r->code, range = r->range, more;
    /* RangeDecoder.target(): code < range < 2^16 */
    int32_t target = (int32_t)((((code + 1) << PROB_BITS) - 1) / range);
    int32_t low, high, q = 0, restored = 0, lowest, highest;
    int escape = target >= ADC_ESCAPE;
    if (__builtin_expect(!escape, 1)) {
        restored = adc_find(m, c, s, analog, target, range, code, &low, &high);
        if (n->near) {
            q = near_quantise(restored - prediction, n);
            adc_span(prediction, q, n, &lowest, &highest);
            restored = clamp_sample(prediction + q * n->step, top);
            low = adc_start(m, c, s, lowest, analog);
            high = adc_start(m, c, s, highest + 1, analog);
        } else {
            q = restored - prediction;
        }
    } else {
        low = ADC_ESCAPE;
        high = 1 << PROB_BITS;
    }
    /* RangeDecoder.consume() */
    uint32_t bottom = (range * (uint32_t)low) >> PROB_BITS;
    uint32_t top_ = (range * (uint32_t)high) >> PROB_BITS;
    code -= bottom;
    range = top_ - bottom;
    int shift = __builtin_clz(range) - (32 - RANGE_BITS);
    range <<= shift;
    if (read_bits(&r->bits, shift, &more) < 0)
        return TRUNCATED;
    code = (code << shift) | more;
    if (__builtin_expect(escape, 0)) {
        /* RangeDecoder.bypass(width), read apart so that the common path has no shift by
           0 bits: code < range < 2^16, so within 32 bits; the value is below 2^W for the
           same reason, which golden also checks */
        if (read_bits(&r->bits, width, &more) < 0)
            return TRUNCATED;
        uint32_t wide = (code << width) | more;
        restored = (int32_t)(wide / range);
        code = wide - (uint32_t)restored * range;
        if (n->near) {
            q = near_quantise(restored - prediction, n);
            adc_span(prediction, q, n, &lowest, &highest);
            if (clamp_sample(prediction + q * n->step, top) != restored)
                return CODABLE_ESCAPE;
        } else {
            q = restored - prediction;
            lowest = highest = restored;
        }
        if (adc_start(m, c, s, highest + 1, analog) > adc_start(m, c, s, lowest, analog))
            return CODABLE_ESCAPE;
    }
    r->code = code;
    r->range = range;
    int32_t distance = adc_centre(m, restored) - analog;
    adc_observe(c, distance < 0 ? -distance : distance, s.shift, 1);
    *restored_ = restored;
    *q_ = q;
    return DECODED;
}

/* decode_adc() for `mono` a constant, as decode_arith_with(). The range decoder, the output
   and the count decoded are locals until the end: through their pointers the compiler would
   store and reload them every sample (a uint16 store may alias the bounds, a Py_ssize_t one
   the position). */
static inline __attribute__((always_inline)) int
decode_adc_with(BitSource *bits, Py_ssize_t count, int width, const Near *n, AdcModel *m,
                Channel *state, Py_ssize_t channels, uint16_t **out, Py_ssize_t *capacity,
                Py_ssize_t *decoded, int mono)
{
    Channel one = *state;
    RangeIn r = {0, INITIAL_RANGE, *bits};
    uint16_t *o = *out;
    Py_ssize_t room = *capacity, i = 0;
    const int32_t top = (1 << width) - 1;
    int status = DECODED;
    if (read_bits(&r.bits, RANGE_BITS, &r.code) < 0) {
        status = TRUNCATED;
        goto end;
    }
    if (r.code >= r.range) {
        status = OUTSIDE;
        goto end;
    }
    Channel *ch = mono ? &one : state, *last = state + channels - 1;
    for (; i < count; i++) {
        if (__builtin_expect(i == room, 0)) {
            Py_ssize_t grown = room < count / 2 ? 2 * room : count;
            uint16_t *bigger = realloc(o, grown * 2 + 2);
            if (!bigger) {
                status = NO_MEMORY;
                break;
            }
            o = bigger;
            room = grown;
        }
        Features f;
        int32_t acc = features_sum(ch, &f, !mono);
        int32_t prediction = predict_sum(ch, acc, top), restored, q;
        int k = rice_k(ch, width);
        if (n->near)
            status = adc_decode_one(m, &r, k, n->bins, width, n, ch->history[0], acc,
                                    prediction, &restored, &q);
        else
            ADC_BY_K(k, status = adc_decode_one(m, &r, k_, 0, width, n, ch->history[0], acc,
                                                prediction, &restored, &q));
        if (status != DECODED)
            break;
        /* golden.core.decode(): e = reduce(q), the sample restore(p, e) */
        int32_t error, sample;
        if (n->near) {
            error = near_reduce(q, n);
            sample = near_restore(prediction, error, n);
        } else {
            error = reduce(q, width);
            sample = (prediction + error) & top;
        }
        o[i] = (uint16_t)sample;
        update_features(ch, &f, !mono, sample, prediction, error);
        if (!mono)
            ch = ch == last ? state : ch + 1;
    }
    /* IntervalDecoder.at_end() */
    if (status == DECODED && r.code)
        status = TRAILING;
end:
    *bits = r.bits;
    *out = o;
    *capacity = room;
    *decoded = i;
    return status;
}

/* golden.core.decode() with coder="adc" into *out, as decode_arith(); `m` opened, with its
   inverse table. Without the GIL. */
static int decode_adc(BitSource *bits, Py_ssize_t count, int width, const Near *n, AdcModel *m,
                      Channel *state, Py_ssize_t channels, uint16_t **out, Py_ssize_t *capacity,
                      Py_ssize_t *decoded)
{
    /* lossless, a constant: no test of n->near a sample */
    static const Near none = {0};
    if (!n->near) {
        if (channels == 1)
            return decode_adc_with(bits, count, width, &none, m, state, 1, out, capacity,
                                   decoded, 1);
        return decode_adc_with(bits, count, width, &none, m, state, channels, out, capacity,
                               decoded, 0);
    }
    if (channels == 1)
        return decode_adc_with(bits, count, width, n, m, state, 1, out, capacity, decoded, 1);
    return decode_adc_with(bits, count, width, n, m, state, channels, out, capacity, decoded,
                           0);
}

/* The edges of a table for `width`-bit codes from the buffer `view` (native int32, edge(0)
   .. edge(2^W)): NULL with an error set unless they are a table's, golden.adc.AdcTable
   .check()ed: from 0, each code 0 .. MAX_CODE_WIDTH wide, not all of width 0. */
static const int32_t *adc_edges(const Py_buffer *view, int width)
{
    Py_ssize_t entries = ((Py_ssize_t)1 << width) + 1;
    if (view->len != entries * (Py_ssize_t)sizeof(int32_t) || (uintptr_t)view->buf % 4) {
        PyErr_Format(PyExc_ValueError, "edges must be %zd aligned native int32 values, not %zd"
                     " bytes", entries, view->len);
        return NULL;
    }
    const int32_t *edge = view->buf;
    int valid = edge[0] == 0 && edge[entries - 1] > 0;
    for (Py_ssize_t x = 0; valid && x + 1 < entries; x++)
        valid = edge[x] <= edge[x + 1] && edge[x + 1] - edge[x] <= MAX_CODE_WIDTH;
    if (!valid) {
        PyErr_SetString(PyExc_ValueError, "edges must rise from 0 by 0 .. 255 a code, not all"
                        " by 0");
        return NULL;
    }
    return edge;
}

/* The back end's constants, for the test that they are the golden model's */
static int adc_add_constants(PyObject *module)
{
    struct { const char *name; long value; } constants[] = {
        {"FRACTION_BITS", FRACTION_BITS}, {"MAX_CODE_WIDTH", MAX_CODE_WIDTH}, {"BINS", BINS},
        {"BIN_SHIFT", BIN_SHIFT}, {"INTERPOLATION_BITS", INTERPOLATION_BITS},
        {"CONTEXTS", CONTEXTS}, {"UPDATE_EVERY", UPDATE_EVERY}, {"ADC_RATE", ADC_RATE},
        {"HALF", HALF}, {"ADC_ESCAPE", ADC_ESCAPE}, {"ADC_ADAPTIVE_TOTAL", ADC_ADAPTIVE_TOTAL},
        {"ADC_PRIOR_COUNT", ADC_PRIOR_COUNT},
    };
    for (size_t i = 0; i < sizeof constants / sizeof *constants; i++)
        if (PyModule_AddIntConstant(module, constants[i].name, constants[i].value))
            return -1;
    PyObject *prior = PyTuple_New(CONTEXTS);
    if (!prior)
        return -1;
    for (int c = 0; c < CONTEXTS; c++) {
        PyObject *row = PyTuple_New(BINS);
        if (!row) {
            Py_DECREF(prior);
            return -1;
        }
        for (int i = 0; i < BINS; i++)
            PyTuple_SetItem(row, i, PyLong_FromLong(ADC_PRIOR[c][i]));
        PyTuple_SetItem(prior, c, row);
    }
    int failed = PyModule_AddObjectRef(module, "ADC_PRIOR", prior);
    Py_DECREF(prior);
    return failed;
}
