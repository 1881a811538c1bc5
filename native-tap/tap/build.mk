# The software TAP: tap.bpf.c (service interface hooks), tap_snap.bpf.c (tunnel snaplen), mtapctl.
PROGS += $(BUILD)/mtapctl
MTAPCTL_SRCS := $(filter-out tap/%.bpf.c,$(wildcard tap/*.c))
$(BUILD)/mtapctl: $(MTAPCTL_SRCS) tap/ctl.h tap/tap.h $(BUILD)/tap.skel.h $(BUILD)/tap_snap.skel.h $(LIB_OBJS)
	$(CC) $(CFLAGS) -Itap $(MTAPCTL_SRCS) $(LIB_OBJS) -o $@ $(LDLIBS)
