PROGS += $(BUILD)/mt-libtest
$(BUILD)/mt-libtest: libtest/libtest.c $(LIB_OBJS)
	$(CC) $(CFLAGS) $< $(LIB_OBJS) -o $@ $(LDLIBS)
