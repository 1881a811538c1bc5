#include "mt.h"

static void sep(struct mt_json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->out);
	j->need_comma[j->depth] = true;
	if (!key)
		return;
	fputc('"', j->out);
	for (const char *p = key; *p; p++)
		fputc(*p, j->out);
	fputs("\":", j->out);
}

static void open_scope(struct mt_json *j, const char *key, char c)
{
	sep(j, key);
	fputc(c, j->out);
	if (j->depth < (int)(sizeof(j->need_comma) / sizeof(j->need_comma[0])) - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_scope(struct mt_json *j, char c)
{
	fputc(c, j->out);
	if (j->depth > 0)
		j->depth--;
}

void mt_json_init(struct mt_json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->need_comma[0] = false;
}

void mt_json_obj_begin(struct mt_json *j, const char *key) { open_scope(j, key, '{'); }
void mt_json_obj_end(struct mt_json *j) { close_scope(j, '}'); }
void mt_json_arr_begin(struct mt_json *j, const char *key) { open_scope(j, key, '['); }
void mt_json_arr_end(struct mt_json *j) { close_scope(j, ']'); }

void mt_json_str(struct mt_json *j, const char *key, const char *val)
{
	sep(j, key);
	fputc('"', j->out);
	for (const unsigned char *p = (const unsigned char *)val; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(j->out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(j->out, "\\u%04x", *p);
		else
			fputc(*p, j->out);
	}
	fputc('"', j->out);
}

void mt_json_u64(struct mt_json *j, const char *key, uint64_t val)
{
	sep(j, key);
	fprintf(j->out, "%llu", (unsigned long long)val);
}

void mt_json_i64(struct mt_json *j, const char *key, int64_t val)
{
	sep(j, key);
	fprintf(j->out, "%lld", (long long)val);
}

void mt_json_bool(struct mt_json *j, const char *key, bool val)
{
	sep(j, key);
	fputs(val ? "true" : "false", j->out);
}

void mt_json_done(struct mt_json *j)
{
	fputc('\n', j->out);
	fflush(j->out);
	j->need_comma[0] = false;
}
