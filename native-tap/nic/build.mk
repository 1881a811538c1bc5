# The emulated SR-IOV NIC: nic.bpf.c (the embedded switch) and nicemu.
PROGS += $(BUILD)/nicemu
NICEMU_SRCS := $(filter-out nic/%.bpf.c,$(wildcard nic/*.c))
$(BUILD)/nicemu: $(NICEMU_SRCS) nic/nicemu.h nic/nic.h $(BUILD)/nic.skel.h $(LIB_OBJS)
	$(CC) $(CFLAGS) -Inic $(NICEMU_SRCS) $(LIB_OBJS) -o $@ $(LDLIBS)
