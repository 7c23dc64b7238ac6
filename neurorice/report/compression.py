"""Compression on the recordings: ratio, its per-file spread, residuals, Rice parameters,
and bits a sample against the residuals' entropy.

The ratio is the challenge's (total WAV bytes over total compressed bytes, the container
included), through the fast path when it is built and the golden model otherwise. The
residuals, the Rice parameters and the codeword lengths come from the golden model's own
:class:`~golden.predictor.Predictor` and :class:`~golden.rice.RiceAdapter`, stepped as
:func:`golden.core.encode_stream` steps them, over the first ``detail_samples`` samples of
each recording (the plain-Python model codes about 0.1 M samples a second).
"""

import math
from collections import Counter

from golden import container
from golden.predictor import Predictor
from golden.rice import RiceAdapter, codeword, reduce, zigzag

__all__ = ["analyse", "compressor", "entropy"]

WIDTH = 10

#: The back ends as the report names them.
BACK_ENDS = {"rice": "Rice", "arith": "arithmetic-coded",
             "adc": "ADC-aware arithmetic-coded (the default width table)"}


def compressor():
    """``(compress, name)``: the fast path's if it is built, else the golden model's."""
    try:
        from neurorice.fast import container as fast
    except Exception as error:  # not built, or out of step with golden/
        return container.compress, f"golden model (the fast path is unavailable: {error})"
    return fast.compress, "fast path (neurorice.fast, bit-exact to the golden model)"


def entropy(counts):
    """Order-0 entropy in bits of a :class:`collections.Counter` of symbols."""
    total = sum(counts.values())
    return -sum(n / total * math.log2(n / total) for n in counts.values() if n)


def _detail(codes):
    predictor, adapter = Predictor(WIDTH), RiceAdapter(WIDTH)
    residuals, ks, bits = Counter(), Counter(), 0
    for sample in codes:
        prediction = predictor.predict()
        error = reduce(sample - prediction, WIDTH)
        k = adapter.k()
        bits += codeword(zigzag(error), k, WIDTH)[1]
        residuals[error] += 1
        ks[k] += 1
        predictor.update(sample, prediction)
        adapter.update(error)
    return residuals, ks, bits


def analyse(recordings, detail_samples, progress=None, coder="rice"):
    """The compression figures of ``recordings`` (:class:`~.recordings.Recording`) with the
    back end ``coder``; the bits a sample of the detail are the Rice codewords'."""
    compress, how = compressor()
    how = f"{how}, {BACK_ENDS[coder]} back end"
    files, original, compressed = [], 0, 0
    residuals, ks = Counter(), Counter()
    for index, recording in enumerate(recordings):
        size = len(compress(recording.data, coder=coder))
        original += len(recording.data)
        compressed += size
        entry = {"name": recording.name, "bytes": len(recording.data), "compressed": size,
                 "ratio": len(recording.data) / size}
        if recording.codes and detail_samples:
            codes = recording.codes[:detail_samples]
            file_residuals, file_ks, bits = _detail(codes)
            residuals.update(file_residuals)
            ks.update(file_ks)
            entry.update(detail_samples=len(codes), bits_per_sample=bits / len(codes),
                         residual_entropy=entropy(file_residuals))
        files.append(entry)
        if progress and (index + 1) % 50 == 0:
            progress(f"compression: {index + 1} of {len(recordings)} recordings")
    ratios = sorted(entry["ratio"] for entry in files)
    detailed = [entry for entry in files if "bits_per_sample" in entry]
    samples = sum(entry["detail_samples"] for entry in detailed)
    return {
        "codec": how, "coder": coder, "files": len(files), "bytes": original,
        "compressed": compressed,
        "ratio": original / compressed,
        "per_file": {"min": ratios[0], "median": ratios[len(ratios) // 2], "max": ratios[-1]},
        "detail_samples_per_file": detail_samples, "detail_samples": samples,
        "bits_per_sample": (sum(e["bits_per_sample"] * e["detail_samples"] for e in detailed)
                            / max(1, samples)),
        "residual_entropy_pooled": entropy(residuals) if residuals else None,
        "residual_entropy_mean": (sum(e["residual_entropy"] for e in detailed)
                                  / max(1, len(detailed))),
        "residual_histogram": {str(e): n for e, n in sorted(residuals.items())},
        "k_histogram": {str(k): n for k, n in sorted(ks.items())},
        "recordings": files,
    }
