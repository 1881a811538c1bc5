PROGS += $(BUILD)/nicemu
$(BUILD)/nicemu: nic/nicemu.c nic/nic.h $(BUILD)/nic.skel.h $(LIB_OBJS)
	$(CC) $(CFLAGS) -Inic $< $(LIB_OBJS) -o $@ $(LDLIBS)
