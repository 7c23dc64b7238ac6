"""The report's figures, as PNG files, from the measured figures alone."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

__all__ = ["draw"]


def _save(figure, path):
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def ecdf(compression, path):
    ratios = sorted(entry["ratio"] for entry in compression["recordings"])
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.step(ratios, [(i + 1) / len(ratios) for i in range(len(ratios))], where="post")
    axes.axvline(compression["ratio"], color="gray", linestyle="--",
                 label=f"overall {compression['ratio']:.3f}")
    axes.set(xlabel="compression ratio of a recording", ylabel="fraction of recordings",
             title=f"Per-file ratio, {len(ratios)} recordings")
    axes.legend()
    _save(figure, path)


def residuals(compression, path):
    histogram = {int(e): n for e, n in compression["residual_histogram"].items()}
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.bar(list(histogram), list(histogram.values()), width=1.0)
    axes.set_yscale("log")
    axes.set(xlabel="residual (10-bit codes, reduced)", ylabel="count",
             title=f"Residuals, {compression['detail_samples']} samples")
    _save(figure, path)


def rice_k(compression, path):
    histogram = {int(k): n for k, n in compression["k_histogram"].items()}
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.bar(list(histogram), list(histogram.values()))
    axes.set(xlabel="Rice parameter k", ylabel="count", title="Rice parameters")
    _save(figure, path)


def bits(compression, path):
    detailed = [e for e in compression["recordings"] if "bits_per_sample" in e]
    figure, axes = plt.subplots(figsize=(6, 4))
    x = [e["residual_entropy"] for e in detailed]
    y = [e["bits_per_sample"] for e in detailed]
    axes.scatter(x, y, s=8)
    low, high = min(x + y), max(x + y)
    axes.plot([low, high], [low, high], color="gray", linestyle="--", label="bits = entropy")
    axes.set(xlabel="order-0 entropy of the residuals (bits)", ylabel="coded bits a sample",
             title="Bits a sample against the residuals' entropy, per recording")
    axes.legend()
    _save(figure, path)


def resources(configurations, path):
    names = [f"C={c['channels']}" for c in configurations]
    kinds = [("logic_cells", "logic cells"), ("ebr", "EBR"), ("spram", "SPRAM"), ("dsp", "DSP")]
    figure, axes = plt.subplots(figsize=(6, 4))
    width = 0.8 / len(kinds)
    for i, (key, label) in enumerate(kinds):
        shares = []
        for c in configurations:
            entry = c["ice40"].get(key, {"used": 0, "available": 1})
            shares.append(100 * entry["used"] / entry["available"])
        axes.bar([j + i * width for j in range(len(names))], shares, width, label=label)
    axes.axhline(100, color="red", linestyle="--")
    axes.set_xticks([j + 0.4 - width / 2 for j in range(len(names))], names)
    axes.set(ylabel="% of the iCE40 UP5K", title="iCE40 UP5K use")
    axes.legend()
    _save(figure, path)


def draw(report, directory):
    """Draw every figure of ``report`` into ``directory``; ``{name: file name}``."""
    figures = {}
    compression = report.get("compression")
    if compression:
        figures["ecdf"] = "ratio_ecdf.png"
        ecdf(compression, directory / figures["ecdf"])
        if compression["detail_samples"]:
            figures["residuals"] = "residuals.png"
            residuals(compression, directory / figures["residuals"])
            figures["k"] = "rice_k.png"
            rice_k(compression, directory / figures["k"])
            figures["bits"] = "bits_vs_entropy.png"
            bits(compression, directory / figures["bits"])
    if report["configurations"]:
        figures["resources"] = "ice40_use.png"
        resources(report["configurations"], directory / figures["resources"])
    return figures
