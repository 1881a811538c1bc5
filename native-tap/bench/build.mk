# Data-plane benchmark tools (tools/bench/datapath drives them).
PROGS += $(BUILD)/mt-bench-send $(BUILD)/mt-bench-afmirror $(BUILD)/mt-bench-tapmin $(BUILD)/bench_sink.bpf.o

$(BUILD)/mt-bench-send: bench/send.c bench/pin.h lib/mt.h $(LIB_OBJS) | $(BUILD)
	$(CC) $(CFLAGS) $< $(LIB_OBJS) -o $@ $(LDLIBS)

$(BUILD)/mt-bench-afmirror: bench/afmirror.c bench/pin.h lib/mt.h $(LIB_OBJS) | $(BUILD)
	$(CC) $(CFLAGS) $< $(LIB_OBJS) -o $@ $(LDLIBS)

$(BUILD)/mt-bench-tapmin: bench/tapmin.c lib/mt.h $(BUILD)/tap_min.skel.h $(LIB_OBJS) | $(BUILD)
	$(CC) $(CFLAGS) $< $(LIB_OBJS) -o $@ $(LDLIBS)

# Sequence-numbered traffic for the no-loss tests.
PROGS += $(BUILD)/mt-seq
$(BUILD)/mt-seq: bench/seq.c lib/mt.h $(LIB_OBJS) | $(BUILD)
	$(CC) $(CFLAGS) $< $(LIB_OBJS) -o $@ $(LDLIBS)
