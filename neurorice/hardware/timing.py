"""Latency and throughput, measured on the gate netlist's run against the golden model.

A word leaves the encoder some cycles after the sample whose coding completes it (the
pipeline latency); a sample's bits leave with the word that holds the last bit its coding
settles (the latency a receiver sees). With the Rice back end a sample settles its own
codeword; with the arithmetic one it settles the bytes no later carry can change, which may
include earlier samples' (a carry holds bytes back). The bits settled after the first ``n``
samples are the same whatever samples follow, for every ``n``: the codec looks ahead zero
samples.
"""

import random
import statistics

from golden.bits import LengthRecorder
from golden.core import encode_stream

__all__ = ["lookahead", "measure"]


def settled(samples, width, channels, word_width, near=0, coder="rice"):
    """``(writer, ends)``: :func:`golden.core.encode_stream`'s writer (a
    :class:`~golden.bits.LengthRecorder`, the stream ended) and the count of bits written
    when each sample's coding was done."""
    writer = LengthRecorder(word_width)
    ends = []

    def feed():
        done, total = 0, 0
        for sample in samples:
            yield sample
            # the coder asks for the next sample once this one is coded
            total += sum(writer.lengths[done:])
            done = len(writer.lengths)
            ends.append(total)

    encode_stream(feed(), width, channels, writer, coder=coder, near=near)
    return writer, ends


def measure(samples, run, width, channels, word_width, near=0, coder="rice"):
    """Latency and throughput of a :class:`~neurorice.hardware.gatesim.GateRun` of ``samples``.

    Also checks the run's words against :func:`golden.core.encode_stream` (with ``near``
    and ``coder``).
    """
    writer, ends = settled(samples, width, channels, word_width, near, coder)
    words = writer.flush()
    pipeline, sample_latency = [], []
    j = 0
    for q, (cycle, _, _) in enumerate(run.outputs[:-1]):  # the last word is padding
        boundary = (q + 1) * word_width
        while j < len(ends) and ends[j] < boundary:
            j += 1
        if j < len(run.inputs):
            pipeline.append(cycle - run.inputs[j])
    q = 0
    for i, end in enumerate(ends):
        q = (end - 1) // word_width
        if q < len(run.outputs):
            sample_latency.append(run.outputs[q][0] - run.inputs[i])
    first, last = run.inputs[0], run.inputs[-1]
    return {
        "matches_golden": [word for _, word, _ in run.outputs] == words,
        "samples": len(samples), "words": len(run.outputs),
        "pipeline_cycles": {"min": min(pipeline), "max": max(pipeline),
                            "median": statistics.median(pipeline)},
        "sample_to_bits_cycles": {"min": min(sample_latency), "max": max(sample_latency),
                                  "median": statistics.median(sample_latency)},
        "samples_per_cycle": (len(run.inputs) - 1) / max(1, last - first),
        "lookahead_samples": lookahead(samples[:2000], width, channels, near=near,
                                       coder=coder),
    }


def lookahead(samples, width, channels, trials=20, seed=1, *, near=0, coder="rice"):
    """0 if, for every ``n`` tried, the bits settled after the first ``n`` samples are the
    same when the stream ends there (the coding of a sample depends on no later sample),
    else ``None``."""
    cuts = sorted(random.Random(seed).sample(range(1, len(samples)),
                                             min(trials, len(samples) - 1)))
    writer, ends = settled(samples, width, channels, 64, near, coder)
    full = _bit_string(writer)
    for n in cuts:
        prefix = _bit_string(settled(samples[:n], width, channels, 64, near, coder)[0])
        if full[:ends[n - 1]] != prefix[:ends[n - 1]]:
            return None
    return 0


def _bit_string(writer):
    length = sum(writer.lengths)
    words = writer.flush()
    text = "".join(f"{word:064b}" for word in words)
    return text[:length]


def rates(summary, fmax_mhz, clock_mhz):
    """Throughput and latency in real units at ``fmax_mhz`` and ``clock_mhz``."""
    spc = summary["samples_per_cycle"]
    result = {"clock_mhz": clock_mhz,
              "pipeline_us": summary["pipeline_cycles"]["max"] / clock_mhz,
              "sample_to_bits_max_us": summary["sample_to_bits_cycles"]["max"] / clock_mhz,
              "samples_per_s_at_clock": spc * clock_mhz * 1e6}
    if fmax_mhz:
        result["samples_per_s_at_fmax"] = spc * fmax_mhz * 1e6
    return result
