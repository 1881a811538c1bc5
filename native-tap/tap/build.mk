# The software TAP: tap.bpf.c (service interface hooks), tap_snap.bpf.c (tunnel snaplen), mtapctl.
PROGS += $(BUILD)/mtapctl
$(BUILD)/mtapctl: tap/mtapctl.c tap/tap.h $(BUILD)/tap.skel.h $(BUILD)/tap_snap.skel.h $(LIB_OBJS)
	$(CC) $(CFLAGS) $< $(LIB_OBJS) -o $@ $(LDLIBS)
