/* skkd — SPDX-License-Identifier: ISC */
/*
 * Mask choice on bit rows. Each of the eight masked symbols is built a
 * row per 64-bit word and a column per word (from the unmasked symbol's
 * columns, transposed once), and scored the way libqrencode does (its
 * mask.c), so that the choice is the same:
 *
 *  N1  3 + (n - 5) for each run of n >= 5 modules of one colour in a
 *      row or column;
 *  N2  3 for each 2x2 block of one colour;
 *  N3  40 for each dark:light:dark:light:dark run pattern 1:1:3:1:1
 *      with a light run four times the unit on one side, or with
 *      nothing but one light run (of any length) or none between it
 *      and either end of the line;
 *  N4  10 for each full 5% the dark share, in whole percent rounded
 *      half up, is away from 50%.
 *
 * All four are shifts, ANDs and popcounts over a line's bits. The
 * first of equal minima wins, as in libqrencode.
 */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "qrmask.h"

#define W	QRMASK_MAX_WIDTH

/* pattern[k][y] bit x: mask k inverts the module at (x, y); patcol the same
 * by columns (bit y of word x). */
static uint64_t		pattern[8][W], patcol[8][W];
static pthread_once_t	pattern_once = PTHREAD_ONCE_INIT;

static int
qrmask_inverts(int k, int x, int y)
{
	switch (k) {
	case 0:
		return (x + y) % 2 == 0;
	case 1:
		return y % 2 == 0;
	case 2:
		return x % 3 == 0;
	case 3:
		return (x + y) % 3 == 0;
	case 4:
		return (y / 2 + x / 3) % 2 == 0;
	case 5:
		return (x * y) % 2 + (x * y) % 3 == 0;
	case 6:
		return ((x * y) % 2 + (x * y) % 3) % 2 == 0;
	default:
		return ((x * y) % 3 + (x + y) % 2) % 2 == 0;
	}
}

static void
qrmask_patterns(void)
{
	int	k, x, y;

	for (k = 0; k < 8; k++)
		for (y = 0; y < W; y++)
			for (x = 0; x < W; x++)
				if (qrmask_inverts(k, x, y)) {
					pattern[k][y] |= 1ULL << x;
					patcol[k][x] |= 1ULL << y;
				}
}

/* The 15 format bits: level and mask, BCH(15,5) remainder, XOR mask. */
static unsigned
qrmask_format(unsigned level_bits, int k)
{
	unsigned	data = (level_bits & 3) << 3 | (unsigned)k;
	unsigned	v = data << 10;
	int		i;

	for (i = 14; i >= 10; i--)
		if (v & (1u << i))
			v ^= 0x537u << (i - 10);
	return ((data << 10) | v) ^ 0x5412u;
}

/*
 * Sets (or with clear, clears) the two places of each format bit in
 * rows, or in columns with bycol, least significant first: along row 8 from the right edge and down column 8
 * from the top (skipping the timing row), then up column 8 from the
 * bottom and along row 8 leftwards from column 7 (skipping the timing
 * column).
 */
static inline __attribute__((always_inline)) void
qrmask_place(uint64_t *rows, int width, unsigned fmt, int clear, int bycol)
{
	int	i, x1, y1, x2, y2, t;

	for (i = 0; i < 15; i++) {
		if (i < 8) {
			x1 = width - 1 - i;
			y1 = 8;
			x2 = 8;
			y2 = i < 6 ? i : i + 1;
		} else {
			x1 = 8;
			y1 = width - 15 + i;
			x2 = i == 8 ? 7 : 14 - i;
			y2 = 8;
		}
		if (bycol) {	/* words are columns: swap the coordinates */
			t = x1; x1 = y1; y1 = t;
			t = x2; x2 = y2; y2 = t;
		}
		if (clear) {
			rows[y1] &= ~(1ULL << x1);
			rows[y2] &= ~(1ULL << x2);
		} else if (fmt >> i & 1) {
			rows[y1] |= 1ULL << x1;
			rows[y2] |= 1ULL << x2;
		}
	}
}

/* a[r] bit c becomes a[c] bit r. */
static inline __attribute__((always_inline)) void
qrmask_transpose(uint64_t *a)
{
	static const uint64_t	m[6] = {
		0x00000000ffffffffULL, 0x0000ffff0000ffffULL,
		0x00ff00ff00ff00ffULL, 0x0f0f0f0f0f0f0f0fULL,
		0x3333333333333333ULL, 0x5555555555555555ULL,
	};
	int			j, s, r;
	uint64_t		t;

	for (j = 0, s = 32; j < 6; j++, s >>= 1)
		for (r = 0; r < W; r++) {
			if (r & s)
				continue;
			t = ((a[r] >> s) ^ a[r + s]) & m[j];
			a[r + s] ^= t;
			a[r] ^= t << s;
		}
}

/*
 * N3 of one line. For each unit f the pattern starts at bit s when bits
 * s on hold f dark, f light, 3f dark, f light and f dark, with light or
 * the edge on both sides (so each run is exactly that long). It counts
 * when on one side the light run is 4f long, or reaches the edge: that
 * is libqrencode's i == 3 or i + 4 >= length on its run lengths. No
 * unit needs to be tried past the first for which no 3f dark fit.
 */
static inline __attribute__((always_inline)) int
qrmask_finderlike(uint64_t dark, uint64_t light, int width)
{
	uint64_t	rd, rl, rd3, rl4, core, ends, beside;
	int		f, first, last, penalty = 0;

	if (dark == 0)
		return 0;
	first = __builtin_ctzll(dark);
	last = 63 - __builtin_clzll(dark);
	/* rd, rl bit s: f dark (light) modules from s on. */
	rd = dark;
	rl = light;
	for (f = 1; 7 * f <= width; f++) {
		if (f > 1) {
			rd &= dark >> (f - 1);
			rl &= light >> (f - 1);
		}
		rd3 = rd & rd >> f & rd >> 2 * f;
		if (rd3 == 0)
			break;
		core = rd & rl >> f & rd3 >> 2 * f & rl >> 5 * f &
		    rd >> 6 * f;
		ends = (light << 1 | 1) & (light >> 7 * f |
		    1ULL << (width - 7 * f));
		if ((core &= ends) == 0)
			continue;
		rl4 = rl & rl >> f & rl >> 2 * f & rl >> 3 * f;
		beside = 1ULL << first | rl4 << 4 * f | rl4 >> 7 * f;
		if (last - 7 * f + 1 >= 0)
			beside |= 1ULL << (last - 7 * f + 1);
		penalty += 40 * __builtin_popcountll(core & beside);
	}
	return penalty;
}

/* N1 and N3 of each of width lines. */
static inline __attribute__((always_inline)) int
qrmask_lines(const uint64_t *lines, int width)
{
	uint64_t	all = width == 64 ? ~0ULL : (1ULL << width) - 1;
	uint64_t	pairs = (1ULL << (width - 1)) - 1;
	uint64_t	l, light, eq, e4;
	int		y, penalty = 0;

	for (y = 0; y < width; y++) {
		l = lines[y] & all;
		light = ~l & all;
		/* eq bit x: modules x and x + 1 alike. */
		eq = ~(l ^ l >> 1) & pairs;
		e4 = eq & eq >> 1 & eq >> 2 & eq >> 3;
		/* A run of n >= 5 has n - 4 windows of five and one start. */
		penalty += __builtin_popcountll(e4) +
		    2 * __builtin_popcountll(e4 & ~(e4 << 1));
		penalty += qrmask_finderlike(l, light, width);
	}
	return penalty;
}

static inline __attribute__((always_inline)) int
qrmask_score(const uint64_t *rows, const uint64_t *cols, int width)
{
	uint64_t	pairs = (1ULL << (width - 1)) - 1, a, b;
	int		y, dark = 0, blocks = 0, share;

	for (y = 0; y < width; y++)
		dark += __builtin_popcountll(rows[y]);
	for (y = 1; y < width; y++) {
		a = rows[y] & rows[y - 1];
		b = ~(rows[y] | rows[y - 1]);
		blocks += __builtin_popcountll((a & a >> 1 & pairs) |
		    (b & b >> 1 & pairs));
	}
	/* The dark share in whole percent, rounded half up. */
	share = (200 * dark + width * width) / (width * width) / 2;
	return abs(share - 50) / 5 * 10 + 3 * blocks +
	    qrmask_lines(rows, width) + qrmask_lines(cols, width);
}

/*
 * Built twice, the copy for processors with POPCNT picked at load time:
 * the scoring is mostly population counts.
 */
__attribute__((target_clones("popcnt", "default"))) int
qrmask_choose(int width, unsigned level_bits, int given, const uint64_t *dark,
    const uint64_t *data, uint64_t *out)
{
	uint64_t	base[W], rows[W], cbase[W], cdata[W], cols[W];
	unsigned	fmt;
	int		k, y, score, best = 0, bestscore = 0;

	pthread_once(&pattern_once, qrmask_patterns);
	memset(base, 0, sizeof base);
	memset(cdata, 0, sizeof cdata);
	for (y = 0; y < width; y++) {
		base[y] = dark[y] ^ (given >= 0 ? pattern[given][y] & data[y] :
		    0);
		cdata[y] = data[y];
	}
	qrmask_place(base, width, 0, 1, 0);
	/* The columns of the unmasked symbol and of its data, once. */
	memcpy(cbase, base, sizeof cbase);
	qrmask_transpose(cbase);
	qrmask_transpose(cdata);
	for (k = 0; k < 8; k++) {
		fmt = qrmask_format(level_bits, k);
		for (y = 0; y < width; y++) {
			rows[y] = base[y] ^ (pattern[k][y] & data[y]);
			cols[y] = cbase[y] ^ (patcol[k][y] & cdata[y]);
		}
		qrmask_place(rows, width, fmt, 0, 0);
		qrmask_place(cols, width, fmt, 0, 1);
		score = qrmask_score(rows, cols, width);
		if (k == 0 || score < bestscore) {
			best = k;
			bestscore = score;
			memcpy(out, rows, (size_t)width * sizeof *rows);
		}
	}
	return best;
}
