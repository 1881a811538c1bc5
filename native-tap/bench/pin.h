/* CPU pinning shared by the bench tools. */
#ifndef MT_BENCH_PIN_H
#define MT_BENCH_PIN_H

#include <errno.h>
#include <sched.h>
#include <string.h>

#include "mt.h"

/* Pins the calling thread to one CPU. 0 or -1 with an error printed. */
static inline int bench_pin_cpu(uint32_t cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return mt_err("cannot pin to CPU %u: %s", cpu, strerror(errno));
	return 0;
}

#endif
