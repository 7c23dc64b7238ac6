"""The samples a hardware run is fed: real recordings, as the encoder's interleaved channels."""

__all__ = ["interleave"]


def interleave(recordings, channels, count):
    """``count`` samples of ``channels`` interleaved channels (one sample of each channel a
    round), channel ``i`` from recording ``i`` modulo the recordings with 10-bit codes.

    Channels that share a recording start ``97`` samples apart per reuse, so that no two
    channels carry the same samples at the same time; a channel wraps round its recording.
    """
    sources = [r.codes for r in recordings if r.codes]
    if not sources:
        raise ValueError("no recording with 10-bit codes to feed the encoder")
    rounds = -(-count // channels)
    out = []
    for n in range(rounds):
        for channel in range(channels):
            codes = sources[channel % len(sources)]
            out.append(codes[(n + (channel // len(sources)) * 97) % len(codes)])
    return out[:count]
