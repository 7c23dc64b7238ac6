"""What the hardware commands share: the FPGA parts and standard-cell libraries they target
(:mod:`.targets`), the encoder configurations and their Verilog (:mod:`.design`), the tool
runner and its cache (:mod:`.tools`), the stimulus from recordings (:mod:`.stimulus`),
gate-level simulation with Icarus (:mod:`.gatesim`) and latency measured against the golden
model (:mod:`.timing`). ``neurorice report`` (FPGA) and ``neurorice asic`` (standard cells)
build on it; neither imports the other.
"""
