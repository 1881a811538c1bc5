# The DPDK TAP and mt-l2fwd: their own Makefile (dpdk/Makefile), run as part of `all`.
progs: dpdk
dpdk:
	$(MAKE) -C dpdk BUILD=$(abspath $(BUILD))/dpdk
.PHONY: dpdk
