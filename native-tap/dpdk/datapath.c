/* The TAP's data path: the rx/tx callbacks. For each packet and each running session of the direction:
 * filter, 1-in-N sampling, a VLAN by flow hash, then a copy made of a small header mbuf (the packet's
 * MACs, the session tag, the packet's own tag when the PMD holds it in metadata) chained to a clone of
 * the packet with its MACs trimmed. The packet itself is never written. */
#include <string.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_mbuf.h>

#include "dtap.h"

#define TAP_PKT struct rte_mbuf
static inline int tap_load_bytes(const struct rte_mbuf *m, __u32 off, void *to, __u32 len)
{
	const void *p = rte_pktmbuf_read(m, off, len, to);

	if (!p)
		return -1;
	if (p != to)
		memcpy(to, p, len);
	return 0;
}
#define TAP_FRAGS struct mtd_frags
static inline void tap_frag_note(struct mtd_frags *t, const struct frag_key *k);
static inline void tap_frag_forget(struct mtd_frags *t, const struct frag_key *k);
static inline int tap_frag_seen(struct mtd_frags *t, const struct frag_key *k);
#include "flow.h"

static inline struct frag_key *frag_slot(struct mtd_frags *t, const struct frag_key *k)
{
	return &t->k[rte_hash_crc(k, sizeof(*k), 0) % MTD_FRAG_SLOTS];
}

static inline void tap_frag_note(struct mtd_frags *t, const struct frag_key *k)
{
	*frag_slot(t, k) = *k;
}

static inline void tap_frag_forget(struct mtd_frags *t, const struct frag_key *k)
{
	struct frag_key *at = frag_slot(t, k);

	if (!memcmp(at, k, sizeof(*k)))
		memset(at, 0, sizeof(*at));
}

/* Session ids start at 1: an empty slot matches nothing. */
static inline int tap_frag_seen(struct mtd_frags *t, const struct frag_key *k)
{
	return !memcmp(frag_slot(t, k), k, sizeof(*k));
}

#define COPY_BURST 64
#define MACS_LEN (2 * RTE_ETHER_ADDR_LEN)

/* Copies waiting to be sent, all to one tunnel. */
struct copies {
	struct rte_mbuf *m[COPY_BURST];
	uint8_t slot[COPY_BURST];
	uint16_t n;
	uint8_t tunnel;
};

static void flush(struct mtd *t, struct copies *cp, struct mtd_ctr *ctr, unsigned lcore)
{
	struct mtd_tunnel *tn = &t->tunnels[cp->tunnel];
	uint16_t q = t->txq_of_lcore[lcore] % tn->nb_txq;
	uint16_t sent;

	if (!cp->n)
		return;
	if (tn->shared_txq)
		rte_spinlock_lock(&tn->txq_lock[q]);
	sent = rte_eth_tx_burst(tn->port_id, q, cp->m, cp->n);
	if (tn->shared_txq)
		rte_spinlock_unlock(&tn->txq_lock[q]);
	for (uint16_t i = 0; i < cp->n; i++) {
		if (i < sent) {
			ctr[cp->slot[i]].mirrored++;
		} else {
			rte_pktmbuf_free(cp->m[i]);
			ctr[cp->slot[i]].errors++;
		}
	}
	cp->n = 0;
}

/* Cuts a chain to its first keep bytes. */
static void chain_truncate(struct rte_mbuf *m, uint32_t keep)
{
	struct rte_mbuf *seg = m;
	uint32_t left = keep;
	uint16_t segs = 1;

	if (m->pkt_len <= keep)
		return;
	while (left > seg->data_len) {
		left -= seg->data_len;
		seg = seg->next;
		segs++;
	}
	seg->data_len = (uint16_t)left;
	if (seg->next) {
		rte_pktmbuf_free(seg->next);
		seg->next = NULL;
	}
	m->nb_segs = segs;
	m->pkt_len = keep;
}

static void put_tag(uint8_t *at, uint16_t tci)
{
	rte_be16_t w[2] = { rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN), rte_cpu_to_be_16(tci) };

	memcpy(at, w, sizeof(w));
}

/* The tagged copy of pkt, or NULL. snaplen counts bytes of the original frame, its own tag included,
 * the session tag not. */
static struct rte_mbuf *make_copy(struct mtd *t, struct rte_mbuf *pkt, unsigned dir, uint16_t vid, uint32_t snaplen)
{
	uint64_t own = dir == DIR_RX ? RTE_MBUF_F_RX_VLAN_STRIPPED : RTE_MBUF_F_TX_VLAN;
	bool inner = pkt->ol_flags & own;
	uint16_t hlen = MACS_LEN + (inner ? 8 : 4);
	struct rte_mbuf *hdr, *clone;
	uint8_t *h;

	if (rte_pktmbuf_data_len(pkt) < RTE_ETHER_HDR_LEN)
		return NULL;
	hdr = rte_pktmbuf_alloc(t->hdr_pool);
	if (!hdr)
		return NULL;
	clone = rte_pktmbuf_clone(pkt, t->clone_pool);
	if (!clone) {
		rte_pktmbuf_free(hdr);
		return NULL;
	}
	rte_pktmbuf_adj(clone, MACS_LEN);
	if (snaplen)
		chain_truncate(clone, snaplen - (hlen - 4));
	h = (uint8_t *)rte_pktmbuf_append(hdr, hlen);
	memcpy(h, rte_pktmbuf_mtod(pkt, const void *), MACS_LEN);
	put_tag(h + MACS_LEN, vid);
	if (inner)
		put_tag(h + MACS_LEN + 4, pkt->vlan_tci);
	hdr->next = clone;
	hdr->nb_segs = (uint16_t)(clone->nb_segs + 1);
	hdr->pkt_len = hlen + clone->pkt_len;
	return hdr;
}

static void tap_burst(struct mtd_port *p, unsigned dir, struct rte_mbuf **pkts, uint16_t nb)
{
	struct mtd *t = p->tap;
	unsigned lcore = rte_lcore_id();
	const struct mtd_view *v;
	uint32_t mask;

	if (unlikely(lcore >= RTE_MAX_LCORE || t->txq_of_lcore[lcore] == UINT16_MAX)) {
		__atomic_fetch_add(&p->foreign, nb, __ATOMIC_RELAXED);
		return;
	}
	rte_rcu_qsbr_thread_online(t->qsv, lcore);
	v = __atomic_load_n(&p->view, __ATOMIC_ACQUIRE);
	mask = v->mask[dir];
	if (mask) {
		struct mtd_ctr *ctr = p->ctr[lcore].slot;
		struct mtd_frags *frags = &p->frags[t->txq_of_lcore[lcore]];
		struct copies cp = { .n = 0 };

		for (uint16_t i = 0; i < nb; i++) {
			struct flow f = { 0 };

			if (mask & v->need_flow)
				parse_flow(pkts[i], &f);
			for (uint32_t m = mask; m; m &= m - 1) {
				unsigned s = (unsigned)__builtin_ctz(m);
				const struct tap_session *ss = &v->s[s];
				struct mtd_ctr *c = &ctr[s];
				struct rte_mbuf *copy;
				unsigned idx = 0;

				c->seen++;
				if (!session_match(frags, ss, &f)) {
					c->filtered++;
					continue;
				}
				if (++c->sample_ctr < ss->sample) {
					c->sampled++;
					continue;
				}
				c->sample_ctr = 0;
				if (f.family && ss->nvlans > 1)
					idx = flow_hash(&f) % ss->nvlans;
				copy = make_copy(t, pkts[i], dir, ss->vlans[idx], ss->snaplen);
				if (!copy) {
					c->errors++;
					continue;
				}
				if (cp.n && (cp.tunnel != v->tunnel[s] || cp.n == COPY_BURST))
					flush(t, &cp, ctr, lcore);
				cp.tunnel = v->tunnel[s];
				cp.m[cp.n] = copy;
				cp.slot[cp.n++] = (uint8_t)s;
			}
		}
		flush(t, &cp, ctr, lcore);
	}
	rte_rcu_qsbr_thread_offline(t->qsv, lcore);
}

uint16_t mtd_rx_cb(uint16_t port_id, uint16_t queue, struct rte_mbuf *pkts[], uint16_t nb_pkts,
		   uint16_t max_pkts, void *arg)
{
	struct mtd_port *p = arg;

	if (__atomic_load_n(&p->gate[DIR_RX], __ATOMIC_RELAXED))
		tap_burst(p, DIR_RX, pkts, nb_pkts);
	return nb_pkts;
}

uint16_t mtd_tx_cb(uint16_t port_id, uint16_t queue, struct rte_mbuf *pkts[], uint16_t nb_pkts, void *arg)
{
	struct mtd_port *p = arg;

	if (__atomic_load_n(&p->gate[DIR_TX], __ATOMIC_RELAXED))
		tap_burst(p, DIR_TX, pkts, nb_pkts);
	return nb_pkts;
}
