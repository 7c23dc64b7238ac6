// Verilator harness for the generated encoder: samples in on stdin, words out on stdout.
//
// stdin:  streams, each a little-endian u32 sample count (at least 1) and that many u16
//         samples; the harness raises `last` on each stream's final sample.
// stdout: every word taken from `o`, as a little-endian u64 word and a u8 `last`.
// stderr: one line, "cycles C samples S words N".
//
// Options: --idle P and --backpressure P (probabilities per cycle of holding the input
// idle and the output not ready), --seed N, --vcd FILE (builds with --trace only).
// The run ends `TAIL` cycles after the last word of the last stream; a word in that tail,
// a stream whose end never comes out, or a handshake that stops moving is an error (exit 1).
//
// The port layout comes from harness_config.h, written by neurorice.harness from the
// gateware's payload layouts: SAMPLE_LSB, SAMPLE_BITS, IN_LAST_BIT, WORD_LSB, WORD_BITS,
// OUT_LAST_BIT, and the port names as PORT_* macros (Verilator escapes "__").

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "Vtop.h"
#include "harness_config.h"
#include "verilated.h"
#if VM_TRACE
#include "verilated_vcd_c.h"
#endif

static_assert(SAMPLE_BITS <= 16, "samples travel as u16");
static_assert(WORD_BITS <= 64, "words travel as u64");

namespace {

const uint64_t TAIL = 16;      // cycles after the last word in which nothing may come out
const uint64_t PATIENCE = 10000;  // cycles without a transfer before the run is declared stuck

[[noreturn]] void fail(const std::string& message) {
    std::fprintf(stderr, "harness: error: %s\n", message.c_str());
    std::exit(1);
}

// A port of at most 64 bits is an integer; a wider one is a VlWide array of 32-bit words.
uint64_t get_bits(uint64_t port, int lsb, int bits) {
    uint64_t value = port >> lsb;
    return bits == 64 ? value : value & ((uint64_t{1} << bits) - 1);
}

template <std::size_t N>
uint64_t get_bits(const VlWide<N>& port, int lsb, int bits) {
    uint64_t value = 0;
    for (int j = bits - 1; j >= 0; --j) {
        int bit = lsb + j;
        value = (value << 1) | ((port[bit / 32] >> (bit % 32)) & 1);
    }
    return value;
}

// xorshift64*: reproducible idle and backpressure patterns from --seed.
struct Random {
    uint64_t state;
    explicit Random(uint64_t seed) : state(seed * 2654435761u + 0x9E3779B97F4A7C15ull) {}
    double next() {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        return double((state * 2685821657736338717ull) >> 11) / double(uint64_t{1} << 53);
    }
};

struct Options {
    double idle = 0.0;
    double backpressure = 0.0;
    uint64_t seed = 1;
    const char* vcd = nullptr;
};

Options parse(int argc, char** argv) {
    Options options;
    for (int a = 1; a < argc; ++a) {
        std::string arg = argv[a];
        if (a + 1 >= argc) fail("option " + arg + " needs a value");
        const char* value = argv[++a];
        if (arg == "--idle") options.idle = std::atof(value);
        else if (arg == "--backpressure") options.backpressure = std::atof(value);
        else if (arg == "--seed") options.seed = std::strtoull(value, nullptr, 10);
        else if (arg == "--vcd") options.vcd = value;
        else fail("unknown option " + arg);
    }
    if (!(options.idle >= 0 && options.idle < 1) ||
        !(options.backpressure >= 0 && options.backpressure < 1))
        fail("--idle and --backpressure must be probabilities in [0, 1)");
#if !VM_TRACE
    if (options.vcd) fail("--vcd needs the harness built with tracing");
#endif
    return options;
}

std::vector<uint8_t> read_stdin() {
    std::vector<uint8_t> data;
    uint8_t buffer[1 << 16];
    size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, stdin)) > 0)
        data.insert(data.end(), buffer, buffer + got);
    return data;
}

}  // namespace

int main(int argc, char** argv) {
    Options options = parse(argc, argv);

    std::vector<uint8_t> data = read_stdin();
    std::vector<uint16_t> samples;
    std::vector<uint8_t> lasts;
    uint64_t streams = 0;
    for (size_t at = 0; at < data.size();) {
        if (data.size() - at < 4) fail("input ends inside a stream header");
        uint32_t count = data[at] | data[at + 1] << 8 | data[at + 2] << 16 |
                         uint32_t(data[at + 3]) << 24;
        at += 4;
        if (count == 0) fail("a stream must have at least one sample");
        if ((data.size() - at) / 2 < count) fail("input ends inside a stream");
        for (uint32_t j = 0; j < count; ++j, at += 2) {
            uint16_t sample = data[at] | data[at + 1] << 8;
            if (sample >> SAMPLE_BITS)
                fail("sample " + std::to_string(samples.size()) + " is " + std::to_string(sample) +
                     ", wider than " + std::to_string(SAMPLE_BITS) + " bits");
            samples.push_back(sample);
            lasts.push_back(j + 1 == count);
        }
        ++streams;
    }

    VerilatedContext context;
    Vtop top{&context};
#if VM_TRACE
    VerilatedVcdC trace;
    if (options.vcd) {
        context.traceEverOn(true);
        top.trace(&trace, 99);
        trace.open(options.vcd);
    }
#endif
    uint64_t cycle = 0;
    auto tick = [&]() {  // inputs are set and evaluated: dump them, then the rising edge
#if VM_TRACE
        if (options.vcd) trace.dump(10 * cycle);
#endif
        top.clk = 1;
        top.eval();
#if VM_TRACE
        if (options.vcd) trace.dump(10 * cycle + 5);
#endif
        top.clk = 0;
        ++cycle;
    };

    top.clk = 0;
    top.rst = 1;
    top.PORT_I_VALID = 0;
    top.PORT_O_READY = 0;
    top.PORT_I_PAYLOAD = 0;
    for (int j = 0; j < 4; ++j) {
        top.eval();
        tick();
    }
    top.rst = 0;

    Random random{options.seed};
    std::vector<uint8_t> out;
    out.reserve(samples.size() * 4);
    size_t sent = 0;
    bool offering = false;
    uint64_t words = 0, ended = 0, moved = cycle, done_at = 0;
    bool done = streams == 0;
    while (!done || cycle < done_at + TAIL) {
        if (!offering && sent < samples.size() && !(random.next() < options.idle)) {
            offering = true;
            top.PORT_I_PAYLOAD = (uint64_t(samples[sent]) << SAMPLE_LSB) |
                                 (uint64_t(lasts[sent]) << IN_LAST_BIT);
        }
        bool blocked = random.next() < options.backpressure;
        top.PORT_I_VALID = offering;
        top.PORT_O_READY = !blocked;
        top.eval();
        if (offering && top.PORT_I_READY) {
            ++sent;
            offering = false;
            moved = cycle;
        }
        if (!blocked && top.PORT_O_VALID) {
            uint64_t word = get_bits(top.PORT_O_PAYLOAD, WORD_LSB, WORD_BITS);
            uint8_t last = get_bits(top.PORT_O_PAYLOAD, OUT_LAST_BIT, 1);
            if (done)
                fail("word " + std::to_string(words) + " came out after the last stream ended");
            for (int j = 0; j < 8; ++j) out.push_back(uint8_t(word >> (8 * j)));
            out.push_back(last);
            ++words;
            moved = cycle;
            if (last && ++ended == streams) {
                done = true;
                done_at = cycle;
                if (sent != samples.size())
                    fail("the last stream ended with " + std::to_string(samples.size() - sent) +
                         " samples not taken");
            }
        }
        tick();
        if (!done && cycle - moved > PATIENCE)
            fail("no transfer for " + std::to_string(PATIENCE) + " cycles: " +
                 std::to_string(sent) + " of " + std::to_string(samples.size()) +
                 " samples taken, " + std::to_string(ended) + " of " + std::to_string(streams) +
                 " streams ended");
    }
#if VM_TRACE
    if (options.vcd) trace.close();
#endif
    top.final();
    if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size())
        fail("cannot write the words");
    std::fflush(stdout);
    std::fprintf(stderr, "cycles %llu samples %zu words %llu\n", (unsigned long long)cycle,
                 samples.size(), (unsigned long long)words);
    return 0;
}
