/* golden/near.py: the near-lossless quantiser and its reconstruction, and the step before
   either back end (golden.core.encode_stream()'s residual). Part of _core.c's one
   translation unit (#included) */

/* golden/near.py, for near = δ >= 1: the step 2δ + 1, RANGE, and the sample window; and
   golden.interval.near_shift(), the adc back end's extra bin scale, floor(log2(2δ + 1)). */
typedef struct {
    int32_t near, step, range, top, bins;
} Near;

static Near near_of(int32_t near, int width)
{
    Near n = {near, 2 * near + 1, 0, (1 << width) - 1, 0};
    n.range = (n.top + 2 * near) / n.step + 1;
    n.bins = 31 - __builtin_clz((uint32_t)n.step);
    return n;
}

static inline int32_t clamp_sample(int32_t value, int32_t top)
{
    return value < 0 ? 0 : value > top ? top : value;
}

/* quantise(): sign(e) floor((|e| + δ) / (2δ + 1)) */
static inline int32_t near_quantise(int32_t error, const Near *n)
{
    return error >= 0 ? (error + n->near) / n->step : -((n->near - error) / n->step);
}

/* reduce(): q modulo RANGE, in -(RANGE / 2) .. RANGE - 1 - RANGE / 2 (q + RANGE / 2 > -RANGE) */
static inline int32_t near_reduce(int32_t quantised, const Near *n)
{
    int32_t half = n->range / 2;
    return (quantised + half + n->range) % n->range - half;
}

/* golden.core.encode_stream()'s step before either back end: the features `f` and the
   prediction of `ch`, `*sample` made the value the decoder restores (near-lossless), and the
   reduced residual, returned */
static inline int32_t residual(const Channel *ch, int32_t f[4], int32_t *sample,
                               int32_t *prediction, int32_t top, int width, const Near *n)
{
    features(ch, f);
    *prediction = predict(ch, f, top);
    if (!n->near)
        return reduce(*sample - *prediction, width);
    int32_t quantised = near_quantise(*sample - *prediction, n);
    *sample = clamp_sample(*prediction + quantised * n->step, top);
    return near_reduce(quantised, n);
}

/* restore(): the sample of a reduced residual, the wrap undone */
static inline int32_t near_restore(int32_t prediction, int32_t reduced, const Near *n)
{
    int32_t value = prediction + reduced * n->step;
    if (value < -n->near)
        value += n->range * n->step;
    else if (value > n->top + n->near)
        value -= n->range * n->step;
    return clamp_sample(value, n->top);
}
