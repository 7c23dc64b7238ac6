"""Predictor: a sign-sign LMS over differences and moving averages of past samples.

The prediction of sample ``x[n]`` of a channel is the previous sample ``x[n-1]`` plus a
weighted sum of four features, all computed from past samples only (no look-ahead):

- ``x[n-1] - x[n-2]`` and ``x[n-2] - x[n-3]``, the last two differences;
- ``avg_fast - x[n-1]`` and ``avg_slow - x[n-1]``, the distance of the last sample from two
  exponential moving averages of the channel (time constants of 8 and 256 samples), which
  pulls the prediction towards the local and the long-run level.

The weights are signed fixed-point numbers with :data:`WEIGHT_FRAC` fraction bits, adapted
after every sample by sign-sign LMS: each weight moves by :data:`STEP` in the direction of
``sign(error) * sign(feature)``, and saturates at :data:`WEIGHT_BITS` bits. Sign-sign LMS
needs no multiplier in the update and no division anywhere; the prediction needs one
multiply-accumulate per feature.

On the training recordings this predictor reaches the ratio of a 16-tap sign-sign LMS with
four weights (``tools/study`` has the comparison).

Hardware state per channel, for sample width ``W``: three past samples (``3 W`` bits), two
averages (``W + AVERAGE_FRAC`` bits each) and four weights (:data:`WEIGHT_BITS` each), that is
``5 W + 72`` bits, 122 bits at ``W = 10``.
"""

#: Number of past differences used as features.
TAPS = 2
#: Shifts of the exponential moving averages: ``avg += (x - avg) >> shift``.
AVERAGE_SHIFTS = (3, 8)
#: Fraction bits of the moving averages.
AVERAGE_FRAC = 8
#: Fraction bits of the weights.
WEIGHT_FRAC = 14
#: Width of a weight, two's complement; weights saturate at its range. The weights seen on
#: the training recordings stay within +-0.35, so +-0.5 loses nothing and saves channel state.
WEIGHT_BITS = 14
#: The step of the sign-sign LMS update, in weight units.
STEP = 4

FEATURES = TAPS + len(AVERAGE_SHIFTS)
WEIGHT_MIN = -(1 << (WEIGHT_BITS - 1))
WEIGHT_MAX = (1 << (WEIGHT_BITS - 1)) - 1


def sign(value):
    """-1, 0 or 1."""
    return (value > 0) - (value < 0)


def clamp(value, low, high):
    """``value`` limited to ``low..high``."""
    return low if value < low else high if value > high else value


class Predictor:
    """The prediction state of one channel.

    Parameters
    ----------
    width : int
        Sample width in bits; samples are unsigned, ``0 .. 2**width - 1``.

    Members
    -------
    history : list of int
        ``x[n-1], x[n-2], x[n-3]``; mid-scale at reset.
    averages : list of int
        The moving averages, with :data:`AVERAGE_FRAC` fraction bits; mid-scale at reset.
    weights : list of int
        One weight a feature; zero at reset, so the first prediction is ``x[n-1]``.
    """

    def __init__(self, width):
        self.width = width
        mid = 1 << (width - 1)
        self.history = [mid] * (TAPS + 1)
        self.averages = [mid << AVERAGE_FRAC for _ in AVERAGE_SHIFTS]
        self.weights = [0] * FEATURES

    def features(self):
        """The feature vector: past differences, then distances from the averages."""
        h = self.history
        diffs = [h[i] - h[i + 1] for i in range(TAPS)]
        pulls = [(a >> AVERAGE_FRAC) - h[0] for a in self.averages]
        return diffs + pulls

    def correction(self, fraction_bits=0):
        """The weighted sum of the features, rounded to ``fraction_bits`` fraction bits."""
        acc = sum(w * f for w, f in zip(self.weights, self.features()))
        drop = WEIGHT_FRAC - fraction_bits
        return (acc + (1 << (drop - 1))) >> drop

    def predict(self):
        """The prediction of the next sample, in ``0 .. 2**width - 1``."""
        return clamp(self.history[0] + self.correction(), 0, (1 << self.width) - 1)

    def update(self, sample, prediction):
        """Adapt to ``sample``, which ``prediction`` (from :meth:`predict`) predicted."""
        direction = sign(sample - prediction)
        for i, feature in enumerate(self.features()):
            step = STEP * direction * sign(feature)
            self.weights[i] = clamp(self.weights[i] + step, WEIGHT_MIN, WEIGHT_MAX)
        self.history = [sample] + self.history[:-1]
        for i, shift in enumerate(AVERAGE_SHIFTS):
            self.averages[i] += ((sample << AVERAGE_FRAC) - self.averages[i]) >> shift
