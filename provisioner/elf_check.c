/* elf_check.c - compare an ELF file with a target's ABI promise.
 *
 * The only file that includes libelf/gelf.  Everything read from the file is
 * untrusted: every index and offset goes through libelf's bounds-checked
 * accessors, loops are capped, and strings are cleaned before they reach a
 * message.  Results are data (struct elf_report); the CLI prints them. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_check.h"
#include "install.h"
#include "util.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif
#ifndef NT_GNU_ABI_TAG
#define NT_GNU_ABI_TAG 1
#endif

/* The printable names of machines (messages only; the per-arch facts are in
 * arch_table). */
static const struct {
	int machine;
	const char *name;
} machine_names[] = {
	{EM_X86_64, "x86-64"}, {EM_AARCH64, "AArch64"}, {EM_ARM, "ARM"},
	{EM_MIPS, "MIPS"},     {EM_RISCV, "RISC-V"},    {EM_386, "i386"},
	{EM_PPC64, "PowerPC64"}, {EM_PPC, "PowerPC"},   {EM_S390, "S/390"},
	{258, "LoongArch"},    {EM_SPARCV9, "SPARC V9"},
};

/* How e_flags read, to show the evidence (first match in each group). */
static const struct flag_name {
	int machine;
	int group;
	unsigned mask, value;
	const char *name;
} flag_names[] = {
	{EM_ARM, 0, EF_ARM_EABIMASK, EF_ARM_EABI_VER5, "EABI5"},
	{EM_ARM, 0, EF_ARM_EABIMASK, EF_ARM_EABI_VER4, "EABI4"},
	{EM_ARM, 0, EF_ARM_EABIMASK, 0, "no EABI version"},
	{EM_ARM, 1, 0x600, 0x400, "hard-float"},
	{EM_ARM, 1, 0x600, 0x200, "soft-float"},
	{EM_ARM, 1, 0x600, 0, "float ABI unmarked"},
	{EM_MIPS, 0, EF_MIPS_ABI2, EF_MIPS_ABI2, "n32"},
	{EM_MIPS, 0, 0xf000, 0x1000, "o32"},
	{EM_MIPS, 0, 0xf000, 0x2000, "o64"},
	{EM_MIPS, 0, 0xf000, 0x3000, "EABI32"},
	{EM_MIPS, 0, 0xf000, 0x4000, "EABI64"},
	{EM_MIPS, 0, 0xf000, 0, "n64 (o32 if 32-bit)"},
	{EM_RISCV, 0, 0x6, 0x0, "soft-float"},
	{EM_RISCV, 0, 0x6, 0x2, "single-float"},
	{EM_RISCV, 0, 0x6, 0x4, "double-float"},
	{EM_RISCV, 0, 0x6, 0x6, "quad-float"},
	{EM_RISCV, 1, 0x8, 0x8, "RVE"},
};

#define MAX_LIST 3	   /* symbols named as evidence */
#define MAX_ITEMS 1000000 /* cap on any loop over file-controlled counts */

struct vneed {
	const char *file, *name; /* point into libelf's data */
	unsigned other;		 /* the index .gnu.version uses */
};

struct scan {
	Elf *e;
	GElf_Ehdr eh;
	char *interp;
	bool has_interp;
	char **needed;
	struct vneed *vn;
	size_t nvn;
	Elf_Data *versym, *dynsym;
	size_t dynstr; /* section index of the dynsym's strings */
	const char *libcxx_sym, *libstdcxx_sym; /* evidence from symbol names */
	bool has_tag;
	unsigned tag_os, tag_ver[3];
};

static const char *machine_name(int m, char *buf, size_t n)
{
	for (size_t i = 0; i < sizeof(machine_names) / sizeof(machine_names[0]); i++)
		if (machine_names[i].machine == m)
			return machine_names[i].name;
	snprintf(buf, n, "machine %d", m);
	return buf;
}

/* A copy safe to print: control and non-ASCII bytes become '?', cut at 200. */
static char *clean(const char *s)
{
	char *c = str_ndup(s ? s : "", 200);
	for (char *p = c; p && *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return c;
}

static int add(struct elf_report *r, const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int add(struct elf_report *r, const char *name, bool ok, const char *fmt, ...)
{
	struct elf_check *v = realloc(r->v, (r->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	r->v = v;
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	v[r->n].name = name;
	v[r->n].ok = ok;
	v[r->n].msg = msg;
	r->n++;
	if (!ok)
		r->failed++;
	return 0;
}

void elf_report_free(struct elf_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].msg);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* ---- symbol-version arithmetic ---------------------------------------- */

const char *symver_number(const char *name, const char *prefix)
{
	if (!name || !str_starts(name, prefix))
		return NULL;
	/* glibc 2.36 marks binaries using DT_RELR with this version: it is a
	 * GLIBC 2.36 requirement in all but name. */
	if (strcmp(prefix, "GLIBC_") == 0 && strcmp(name, "GLIBC_ABI_DT_RELR") == 0)
		return "2.36";
	const char *n = name + strlen(prefix);
	if (!version_valid(n) || strchr(n, '-'))
		return NULL;
	return n;
}

long symver_highest(const char *const *names, size_t n, const char *prefix)
{
	long best = -1;
	for (size_t i = 0; i < n; i++) {
		const char *v = symver_number(names[i], prefix);
		if (v && (best < 0 || version_cmp(v, symver_number(names[best], prefix)) > 0))
			best = (long)i;
	}
	return best;
}

bool symver_within(const char *name, const char *prefix, const char *ceiling)
{
	const char *v = symver_number(name, prefix);
	return v && ceiling && version_cmp(v, ceiling) <= 0;
}

/* ---- reading ------------------------------------------------------------ */

static void scan_free(struct scan *s)
{
	free(s->interp);
	strv_free(s->needed);
	free(s->vn);
}

/* ---- the dynamic segment, read as the loader reads it ------------------
 * DT_NEEDED and the version needs come from PT_DYNAMIC, its addresses mapped
 * to file offsets through the PT_LOAD segments: section headers are optional
 * (llvm-objcopy --strip-sections removes them) and the loader never reads
 * them.  Anything the loader would need but we cannot read is an error. */

struct seg {
	uint64_t vaddr, off, filesz;
};

struct dynread {
	const unsigned char *raw;
	size_t rawsize;
	bool msb, is64;
	const struct seg *load;
	size_t nload;
	uint64_t str, strsz; /* file offset and size of DT_STRTAB */
};

static uint64_t rd(const struct dynread *d, uint64_t off, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++) {
		unsigned b = d->raw[off + (uint64_t)(d->msb ? i : bytes - 1 - i)];
		v = v << 8 | b;
	}
	return v;
}

/* File offset of the virtual address addr, and how many bytes of the file
 * follow it inside its PT_LOAD segment; false if no segment holds it. */
static bool map_addr(const struct dynread *d, uint64_t addr, uint64_t *off, uint64_t *avail)
{
	for (size_t i = 0; i < d->nload; i++) {
		const struct seg *g = &d->load[i];
		if (addr < g->vaddr || addr - g->vaddr >= g->filesz)
			continue;
		uint64_t o = g->off + (addr - g->vaddr);
		if (o < g->off || o >= d->rawsize)
			return false;
		*off = o;
		*avail = g->filesz - (addr - g->vaddr);
		if (*avail > d->rawsize - o)
			*avail = d->rawsize - o;
		return true;
	}
	return false;
}

/* The NUL-terminated string at offset i of DT_STRTAB, or NULL. */
static const char *dyn_str(const struct dynread *d, uint64_t i)
{
	if (i >= d->strsz)
		return NULL;
	const char *p = (const char *)d->raw + d->str + i;
	return memchr(p, '\0', d->strsz - i) ? p : NULL;
}

static int dyn_verneed(gotc_t *h, struct scan *s, const struct dynread *d, uint64_t addr,
		       uint64_t count)
{
	uint64_t base, avail, cur = 0;
	if (!map_addr(d, addr, &base, &avail))
		return gotc_fail(h, GOTC_EELF,
				 "PT_DYNAMIC: DT_VERNEED 0x%llx is outside the loaded segments",
				 (unsigned long long)addr);
	for (uint64_t i = 0; i < count; i++) {
		if (i >= MAX_ITEMS || cur > avail || avail - cur < 16)
			return gotc_fail(h, GOTC_EELF, "PT_DYNAMIC: version need %llu is unreadable",
					 (unsigned long long)i);
		uint64_t cnt = rd(d, base + cur + 2, 2), aux = rd(d, base + cur + 8, 4),
			 next = rd(d, base + cur + 12, 4);
		const char *file = dyn_str(d, rd(d, base + cur + 4, 4));
		if (!file)
			return gotc_fail(h, GOTC_EELF, "PT_DYNAMIC: version need %llu names no file",
					 (unsigned long long)i);
		uint64_t a = cur + aux;
		for (uint64_t j = 0; j < cnt; j++) {
			if (a < cur || a > avail || avail - a < 16)
				return gotc_fail(h, GOTC_EELF,
						 "PT_DYNAMIC: version need %llu of %s is unreadable",
						 (unsigned long long)j, file);
			unsigned other = (unsigned)rd(d, base + a + 6, 2) & 0x7fff;
			const char *name = dyn_str(d, rd(d, base + a + 8, 4));
			uint64_t anext = rd(d, base + a + 12, 4);
			if (!name)
				return gotc_fail(h, GOTC_EELF,
						 "PT_DYNAMIC: a version needed from %s has no name", file);
			struct vneed *v = realloc(s->vn, (s->nvn + 1) * sizeof(*v));
			if (!v)
				return gotc_fail(h, -ENOMEM, "out of memory");
			s->vn = v;
			v[s->nvn++] = (struct vneed){file, name, other};
			if (!anext)
				break;
			a += anext;
		}
		if (!next)
			break;
		cur += next;
	}
	return 0;
}

static int scan_dynamic(gotc_t *h, struct scan *s, const struct dynread *d, const GElf_Phdr *dyn)
{
	uint64_t esz = d->is64 ? 16 : 8, str = 0, strsz = 0, vn = 0, vnnum = 0;
	bool has_str = false, has_strsz = false, has_vn = false;
	uint64_t *needed = NULL;
	size_t nneeded = 0;
	int rc = 0;
	if (dyn->p_offset > d->rawsize || dyn->p_filesz > d->rawsize - dyn->p_offset ||
	    dyn->p_filesz < esz)
		return gotc_fail(h, GOTC_EELF, "PT_DYNAMIC lies outside the file");
	for (uint64_t i = 0; i < dyn->p_filesz / esz && i < MAX_ITEMS; i++) {
		uint64_t o = dyn->p_offset + i * esz, tag = rd(d, o, (int)esz / 2),
			 val = rd(d, o + esz / 2, (int)esz / 2);
		if (tag == DT_NULL)
			break;
		if (tag == DT_NEEDED) {
			uint64_t *n = realloc(needed, (nneeded + 1) * sizeof(*n));
			if (!n) {
				rc = gotc_fail(h, -ENOMEM, "out of memory");
				goto out;
			}
			needed = n;
			needed[nneeded++] = val;
		} else if (tag == DT_STRTAB) {
			str = val;
			has_str = true;
		} else if (tag == DT_STRSZ) {
			strsz = val;
			has_strsz = true;
		} else if (tag == DT_VERNEED) {
			vn = val;
			has_vn = true;
		} else if (tag == DT_VERNEEDNUM) {
			vnnum = val;
		}
	}
	if (!nneeded && !(has_vn && vnnum))
		goto out;
	struct dynread r = *d;
	uint64_t avail;
	if (!has_str || !map_addr(d, str, &r.str, &avail)) {
		rc = gotc_fail(h, GOTC_EELF, "PT_DYNAMIC: %s",
			       has_str ? "DT_STRTAB is outside the loaded segments" : "no DT_STRTAB");
		goto out;
	}
	r.strsz = has_strsz && strsz < avail ? strsz : avail;
	for (size_t i = 0; i < nneeded; i++) {
		const char *n = dyn_str(&r, needed[i]);
		if (!n) {
			rc = gotc_fail(h, GOTC_EELF, "PT_DYNAMIC: DT_NEEDED %zu is outside DT_STRTAB", i);
			goto out;
		}
		char *c = clean(n);
		rc = c ? strv_push(&s->needed, c) : -ENOMEM;
		free(c);
		if (rc) {
			rc = gotc_fail(h, -ENOMEM, "out of memory");
			goto out;
		}
	}
	if (has_vn && vnnum)
		rc = dyn_verneed(h, s, &r, vn, vnnum);
out:
	free(needed);
	return rc;
}

static int scan_phdrs(gotc_t *h, struct scan *s)
{
	size_t n = 0, rawsize = 0;
	if (elf_getphdrnum(s->e, &n) != 0)
		return gotc_fail(h, GOTC_EELF, "bad program headers: %s", elf_errmsg(-1));
	const char *raw = elf_rawfile(s->e, &rawsize);
	struct seg *load = NULL;
	size_t nload = 0;
	GElf_Phdr dyn = {0};
	bool has_dyn = false;
	int rc = 0;
	for (size_t i = 0; i < n && i < MAX_ITEMS; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(s->e, (int)i, &ph)) {
			rc = gotc_fail(h, GOTC_EELF, "bad program header %zu: %s", i, elf_errmsg(-1));
			goto out;
		}
		if (ph.p_type == PT_LOAD) {
			struct seg *g = realloc(load, (nload + 1) * sizeof(*g));
			if (!g) {
				rc = gotc_fail(h, -ENOMEM, "out of memory");
				goto out;
			}
			load = g;
			load[nload++] = (struct seg){ph.p_vaddr, ph.p_offset, ph.p_filesz};
		} else if (ph.p_type == PT_DYNAMIC && !has_dyn) {
			dyn = ph;
			has_dyn = true;
		} else if (ph.p_type == PT_INTERP && !s->has_interp) {
			if (!raw || ph.p_offset > rawsize || ph.p_filesz > rawsize - ph.p_offset) {
				rc = gotc_fail(h, GOTC_EELF, "PT_INTERP lies outside the file");
				goto out;
			}
			s->has_interp = true;
			s->interp = str_ndup(raw + ph.p_offset, strnlen(raw + ph.p_offset, ph.p_filesz));
			if (!s->interp) {
				rc = gotc_fail(h, -ENOMEM, "out of memory");
				goto out;
			}
		} else if (ph.p_type == PT_NOTE && !s->has_tag) {
			Elf_Data *d = elf_getdata_rawchunk(s->e, (int64_t)ph.p_offset, ph.p_filesz,
							   ph.p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
			GElf_Nhdr nh;
			size_t off = 0, no, doff, next;
			for (int k = 0; d && k < MAX_ITEMS &&
					(next = gelf_getnote(d, off, &nh, &no, &doff)) > 0;
			     k++, off = next) {
				const unsigned char *p = (const unsigned char *)d->d_buf;
				if (nh.n_type != NT_GNU_ABI_TAG || nh.n_namesz != 4 ||
				    memcmp(p + no, "GNU", 4) != 0 || nh.n_descsz < 16)
					continue;
				unsigned w[4];
				for (int j = 0; j < 4; j++) {
					const unsigned char *b = p + doff + 4 * j;
					w[j] = s->eh.e_ident[EI_DATA] == ELFDATA2MSB
						       ? (unsigned)b[0] << 24 | (unsigned)b[1] << 16 |
								 (unsigned)b[2] << 8 | b[3]
						       : (unsigned)b[3] << 24 | (unsigned)b[2] << 16 |
								 (unsigned)b[1] << 8 | b[0];
				}
				s->has_tag = true;
				s->tag_os = w[0];
				memcpy(s->tag_ver, w + 1, sizeof(s->tag_ver));
				break;
			}
		}
	}
	if (has_dyn) {
		if (!raw) {
			rc = gotc_fail(h, GOTC_EELF, "PT_DYNAMIC is unreadable: %s", elf_errmsg(-1));
			goto out;
		}
		struct dynread d = {.raw = (const unsigned char *)raw,
				    .rawsize = rawsize,
				    .msb = s->eh.e_ident[EI_DATA] == ELFDATA2MSB,
				    .is64 = s->eh.e_ident[EI_CLASS] == ELFCLASS64,
				    .load = load,
				    .nload = nload};
		rc = scan_dynamic(h, s, &d, &dyn);
	}
out:
	free(load);
	return rc;
}

/* std::__1 is libc++'s inline namespace; std::__cxx11 is libstdc++'s. */
static void scan_symbol_name(struct scan *s, const char *name)
{
	if (!s->libcxx_sym && strstr(name, "St3__1"))
		s->libcxx_sym = name;
	if (!s->libstdcxx_sym && strstr(name, "St7__cxx11"))
		s->libstdcxx_sym = name;
}

static int scan_sections(gotc_t *h, struct scan *s)
{
	Elf_Scn *scn = NULL;
	int count = 0;
	while ((scn = elf_nextscn(s->e, scn)) && count++ < MAX_ITEMS) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			return gotc_fail(h, GOTC_EELF, "bad section header: %s", elf_errmsg(-1));
		/* Sections only add evidence (symbol names); what the loader
		 * needs came from PT_DYNAMIC. */
		if (sh.sh_type != SHT_GNU_versym && sh.sh_type != SHT_DYNSYM &&
		    sh.sh_type != SHT_SYMTAB)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d)
			continue; /* unreadable section: its check reports nothing */
		switch (sh.sh_type) {
		case SHT_GNU_versym:
			s->versym = d;
			break;
		case SHT_DYNSYM:
		case SHT_SYMTAB:
			if (sh.sh_type == SHT_DYNSYM) {
				s->dynsym = d;
				s->dynstr = sh.sh_link;
			}
			for (size_t i = 0; i < MAX_ITEMS; i++) {
				GElf_Sym sym;
				if (!gelf_getsym(d, (int)i, &sym))
					break;
				const char *n = elf_strptr(s->e, sh.sh_link, sym.st_name);
				if (n)
					scan_symbol_name(s, n);
			}
			break;
		}
	}
	return 0;
}

/* ---- checks --------------------------------------------------------------- */

static void describe_flags(struct buf *b, int machine, int cls, unsigned flags)
{
	int last_group = -1;
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		const struct flag_name *f = &flag_names[i];
		if (f->machine != machine || f->group == last_group || (flags & f->mask) != f->value)
			continue;
		last_group = f->group;
		const char *name = f->name;
		if (machine == EM_MIPS && f->mask == 0xf000 && f->value == 0)
			name = cls == ELFCLASS64 ? "n64" : "o32";
		buf_printf(b, "%s%s", b->len ? " " : "", name);
	}
}

/* "libc.so.6 (GLIBC_2.34)" evidence: the undefined symbols bound to the
 * version entry v, at most MAX_LIST of them. */
static void symbols_for(struct scan *s, const struct vneed *v, struct buf *b)
{
	size_t found = 0;
	for (size_t i = 1; s->versym && s->dynsym && i < MAX_ITEMS; i++) {
		GElf_Versym vs;
		GElf_Sym sym;
		if (!gelf_getversym(s->versym, (int)i, &vs) || !gelf_getsym(s->dynsym, (int)i, &sym))
			break;
		if ((vs & 0x7fff) != v->other || sym.st_shndx != SHN_UNDEF)
			continue;
		const char *n = elf_strptr(s->e, s->dynstr, sym.st_name);
		if (!n)
			continue;
		if (found++ == MAX_LIST) {
			buf_puts(b, ", ...");
			break;
		}
		char *c = clean(n);
		buf_printf(b, "%s%s", found > 1 ? ", " : "", c ? c : "?");
		free(c);
	}
}

/* The highest version with prefix among the needed ones; evidence in ev. */
static const struct vneed *highest(struct scan *s, const char *prefix, struct buf *ev)
{
	const struct vneed *best = NULL;
	for (size_t i = 0; i < s->nvn; i++) {
		const char *v = symver_number(s->vn[i].name, prefix);
		if (v && (!best || version_cmp(v, symver_number(best->name, prefix)) > 0))
			best = &s->vn[i];
	}
	if (best) {
		struct buf syms;
		buf_init(&syms);
		symbols_for(s, best, &syms);
		char *name = clean(best->name);
		buf_printf(ev, "%s", name ? name : "?");
		if (syms.len)
			buf_printf(ev, " (for %s)", syms.s);
		free(name);
		buf_free(&syms);
	}
	return best;
}

static int check_header(struct elf_report *r, const struct target *t, struct scan *s)
{
	const struct arch_info *a = t->arch;
	char mb[32], tb[32];
	int cls = s->eh.e_ident[EI_CLASS], data = s->eh.e_ident[EI_DATA];
	const char *cn = cls == ELFCLASS64 ? "64-bit" : cls == ELFCLASS32 ? "32-bit" : "bad class";
	const char *want_cn = a->elf_class == ELFCLASS64 ? "64-bit" : "32-bit";
	int rc = cls == a->elf_class ? add(r, "class", true, "%s", cn)
				     : add(r, "class", false, "%s but %s (%s) is %s", cn, t->name,
					   a->name, want_cn);
	const char *dn = data == ELFDATA2LSB	? "little-endian"
			 : data == ELFDATA2MSB ? "big-endian"
					       : "bad byte order";
	const char *want_dn = a->elf_data == ELFDATA2LSB ? "little-endian" : "big-endian";
	if (!rc)
		rc = data == a->elf_data ? add(r, "endian", true, "%s", dn)
					 : add(r, "endian", false, "%s but %s (%s) is %s", dn,
					       t->name, a->name, want_dn);
	const char *mn = machine_name(s->eh.e_machine, mb, sizeof(mb));
	const char *want_mn = machine_name(a->elf_machine, tb, sizeof(tb));
	bool same_machine = s->eh.e_machine == a->elf_machine;
	if (!rc)
		rc = same_machine ? add(r, "machine", true, "%s", mn)
				  : add(r, "machine", false, "%s but %s (%s) needs %s", mn, t->name,
					a->name, want_mn);
	if (!rc && same_machine) {
		unsigned f = (unsigned)s->eh.e_flags;
		struct buf d;
		buf_init(&d);
		describe_flags(&d, s->eh.e_machine, cls, f);
		/* a static executable has no C ABI boundary: it may leave some
		 * bits unmarked (arch_table says which) */
		unsigned relax = !s->has_interp && !s->needed && s->eh.e_type == ET_EXEC
					 ? a->elf_flags_static_unmarked & ~f
					 : 0;
		if ((f & a->elf_flags_mask & ~relax) == (a->elf_flags & ~relax))
			rc = add(r, "abi", true, "e_flags 0x%x: %s%s", f, a->abi_desc,
				 relax ? " (static; float ABI unmarked)" : "");
		else
			rc = add(r, "abi", false, "e_flags 0x%x (%s) but %s needs %s", f,
				 d.s && d.len ? d.s : "?", t->name, a->abi_desc);
		if (d.oom)
			rc = -ENOMEM;
		buf_free(&d);
	}
	return rc;
}

/* "glibc's arm64 loader" for a known loader path, else NULL. */
static const char *loader_owner(const char *interp, char *buf, size_t n)
{
	for (unsigned i = 0; i < arch_count; i++)
		for (int l = LIBC_GLIBC; l <= LIBC_MUSL; l++)
			if (strcmp(arch_table[i].libc[l].loader, interp) == 0) {
				snprintf(buf, n, "%s's %s loader", libc_name((enum libc_kind)l),
					 arch_table[i].name);
				return buf;
			}
	return NULL;
}

static int check_interp(struct elf_report *r, const struct target *t, struct scan *s)
{
	const char *want = t->arch->libc[t->libc].loader;
	char ob[64];
	if (!s->has_interp) {
		const char *what = t->is_static ? "static"
				   : s->eh.e_type == ET_EXEC ? "static executable"
				   : s->eh.e_type == ET_DYN  ? "shared library or static-pie"
							     : "not an executable";
		return add(r, "interp", true, "no PT_INTERP (%s)", what);
	}
	char *in = clean(s->interp);
	if (!in)
		return -ENOMEM;
	const char *owner = loader_owner(s->interp, ob, sizeof(ob));
	int rc;
	if (t->is_static)
		rc = add(r, "interp", false, "PT_INTERP %s%s%s%s but %s is static (no interpreter)",
			 in, owner ? " (" : "", owner ? owner : "", owner ? ")" : "", t->name);
	else if (strcmp(s->interp, want) == 0)
		rc = add(r, "interp", true, "%s", in);
	else
		rc = add(r, "interp", false, "PT_INTERP %s%s%s%s but %s (%s) needs %s", in,
			 owner ? " (" : "", owner ? owner : "", owner ? ")" : "", t->name,
			 libc_name((enum libc_kind)t->libc), want);
	free(in);
	return rc;
}

static bool lib_in_sysroot(const struct target *t, const char *sysroot, const char *name)
{
	const char *triples[2] = {t->arch->libc[t->libc].triple, t->arch->clang_target};
	static const char *const plain[] = {"lib", "lib64", "usr/lib", "usr/lib64", "usr/local/lib"};
	/* multiarch dirs: before and after the triple */
	static const char *const multi[][2] = {
		{"lib/", ""}, {"usr/lib/", ""}, {"usr/", "/lib"}, {"usr/", "/lib64"}};
	if (strchr(name, '/') || strcmp(name, "..") == 0)
		return false;
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		char *p = str_printf("%s/%s/%s", sysroot, plain[i], name);
		bool found = p && access(p, F_OK) == 0;
		free(p);
		if (found)
			return true;
	}
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < sizeof(multi) / sizeof(multi[0]); i++) {
			char *p = str_printf("%s/%s%s%s/%s", sysroot, multi[i][0], triples[k],
					     multi[i][1], name);
			bool found = p && access(p, F_OK) == 0;
			free(p);
			if (found)
				return true;
		}
	}
	return false;
}

static int check_needed(gotc_t *h, struct elf_report *r, const struct target *t, const char *sysroot,
			struct scan *s)
{
	size_t n = strv_len(s->needed);
	struct buf all, missing;
	int rc;
	buf_init(&all);
	buf_init(&missing);
	for (size_t i = 0; i < n; i++) {
		buf_printf(&all, "%s%s", i ? ", " : "", s->needed[i]);
		if (!t->is_static && sysroot && !lib_in_sysroot(t, sysroot, s->needed[i]))
			buf_printf(&missing, "%s%s", missing.len ? ", " : "", s->needed[i]);
	}
	if (all.oom || missing.oom)
		rc = -ENOMEM;
	else if (n == 0)
		rc = add(r, "needed", true, "no DT_NEEDED%s", t->is_static ? " (static)" : "");
	else if (t->is_static)
		rc = add(r, "needed", false, "DT_NEEDED %s but %s is static", all.s, t->name);
	else if (!sysroot) {
		/* the exact command, with --home, or where to look */
		char *hint = hint_install(h, t->name);
		rc = hint ? add(r, "needed", false,
				"target not installed: cannot look up NEEDED libraries (%s)", hint)
			  : -ENOMEM;
		free(hint);
	}
	else if (missing.len)
		rc = add(r, "needed", false, "%s not found in %s's sysroot", missing.s, t->name);
	else
		rc = add(r, "needed", true, "%s found in the sysroot", all.s);
	buf_free(&all);
	buf_free(&missing);
	return rc;
}

/* One symbol-version ceiling check: GLIBC_/GLIBCXX_/CXXABI_. */
static int check_ceiling(struct elf_report *r, const struct target *t, struct scan *s,
			 const char *check, const char *prefix, const char *ceiling,
			 const char *no_lib)
{
	struct buf ev;
	buf_init(&ev);
	const struct vneed *v = highest(s, prefix, &ev);
	int rc;
	if (ev.oom)
		rc = -ENOMEM;
	else if (!v)
		rc = add(r, check, true, "no %s symbol versions required", prefix);
	else if (no_lib)
		rc = add(r, check, false, "needs %s but %s %s", ev.s, t->name, no_lib);
	else if (!ceiling)
		rc = add(r, check, true, "highest %s (no %s ceiling in %s)", ev.s, check, t->name);
	else if (symver_within(v->name, prefix, ceiling))
		rc = add(r, check, true, "highest %s, %s allows %s", ev.s, t->name, ceiling);
	else
		rc = add(r, check, false, "needs %s but %s allows %s", ev.s, t->name, ceiling);
	buf_free(&ev);
	return rc;
}

static int check_glibc_private(struct elf_report *r, struct scan *s)
{
	for (size_t i = 0; i < s->nvn; i++)
		if (strcmp(s->vn[i].name, "GLIBC_PRIVATE") == 0) {
			struct buf syms;
			buf_init(&syms);
			symbols_for(s, &s->vn[i], &syms);
			int rc = add(r, "glibc-private", false,
				     "needs GLIBC_PRIVATE%s%s%s: glibc internals, no stable ABI",
				     syms.len ? " (for " : "", syms.len ? syms.s : "",
				     syms.len ? ")" : "");
			buf_free(&syms);
			return rc;
		}
	return 0;
}

static const char *needed_like(struct scan *s, const char *const *prefixes)
{
	for (size_t i = 0; s->needed && s->needed[i]; i++)
		for (size_t k = 0; prefixes[k]; k++)
			if (str_starts(s->needed[i], prefixes[k]))
				return s->needed[i];
	return NULL;
}

static int check_cxx(struct elf_report *r, const struct target *t, struct scan *s)
{
	static const char *const stdcxx_libs[] = {"libstdc++.so", NULL};
	static const char *const libcxx_libs[] = {"libc++.so", "libc++abi.so", NULL};
	const char *gnu = needed_like(s, stdcxx_libs), *llvm = needed_like(s, libcxx_libs);
	bool gnu_vers = false;
	for (size_t i = 0; i < s->nvn; i++)
		gnu_vers |= str_starts(s->vn[i].name, "GLIBCXX_") || str_starts(s->vn[i].name, "CXXABI_");
	char gnu_ev[256], llvm_ev[256];
	char *gs = clean(s->libstdcxx_sym), *ls = clean(s->libcxx_sym);
	if (!gs || !ls) {
		free(gs);
		free(ls);
		return -ENOMEM;
	}
	bool uses_gnu = gnu || gnu_vers || s->libstdcxx_sym;
	bool uses_llvm = llvm || s->libcxx_sym;
	snprintf(gnu_ev, sizeof(gnu_ev), "libstdc++ (%s%s)", gnu ? "needs " : gnu_vers ? "GLIBCXX_/CXXABI_ versions" : "symbol ",
		 gnu ? gnu : gnu_vers ? "" : gs);
	snprintf(llvm_ev, sizeof(llvm_ev), "libc++ (%s%s)", llvm ? "needs " : "symbol ", llvm ? llvm : ls);
	free(gs);
	free(ls);
	const char *want = t->cxx_stdlib;
	if (uses_gnu && uses_llvm)
		return add(r, "cxx-stdlib", false, "uses both %s and %s", gnu_ev, llvm_ev);
	if (!uses_gnu && !uses_llvm)
		return add(r, "cxx-stdlib", true, "no C++ standard library");
	const char *ev = uses_gnu ? gnu_ev : llvm_ev;
	const char *lib = uses_gnu ? "libstdc++" : "libc++";
	if (strcmp(want, "none") == 0)
		return add(r, "cxx-stdlib", false, "uses %s but %s has no C++ standard library", ev,
			   t->name);
	if (strcmp(want, lib) != 0)
		return add(r, "cxx-stdlib", false, "uses %s but %s's C++ library is %s", ev, t->name,
			   want);
	return add(r, "cxx-stdlib", true, "%s", ev);
}

static int check_kernel(struct elf_report *r, const struct target *t, struct scan *s)
{
	if (!s->has_tag)
		return add(r, "kernel", true, "no ABI note");
	if (s->tag_os != 0)
		return add(r, "kernel", false, "ABI note is for OS %u, not Linux", s->tag_os);
	char v[48];
	snprintf(v, sizeof(v), "%u.%u.%u", s->tag_ver[0], s->tag_ver[1], s->tag_ver[2]);
	if (version_cmp(v, t->kernel) <= 0)
		return add(r, "kernel", true, "ABI note: Linux %s, %s has %s", v, t->name, t->kernel);
	return add(r, "kernel", false, "ABI note needs Linux %s but %s's kernel is %s", v, t->name,
		   t->kernel);
}

static int check_elf(gotc_t *h, const struct target *t, const char *sysroot, Elf *e,
		     struct elf_report *out)
{
	struct scan s;
	int rc;
	memset(&s, 0, sizeof(s));
	memset(out, 0, sizeof(*out));
	s.e = e;
	if (elf_kind(e) != ELF_K_ELF)
		return gotc_fail(h, GOTC_EELF, "not an ELF file");
	if (!gelf_getehdr(e, &s.eh))
		return gotc_fail(h, GOTC_EELF, "bad ELF header: %s", elf_errmsg(-1));
	if ((rc = scan_phdrs(h, &s)) || (rc = scan_sections(h, &s)))
		goto out;
	bool glibc = t->libc == LIBC_GLIBC;
	const char *cxx = t->cxx_stdlib ? t->cxx_stdlib : "none";
	char no_gnu[160] = "";
	if (strcmp(cxx, "libstdc++") != 0)
		snprintf(no_gnu, sizeof(no_gnu), "%s",
			 strcmp(cxx, "none") == 0 ? "has no C++ standard library"
						  : "uses libc++, not libstdc++");
	rc = check_header(out, t, &s);
	rc = rc ? rc : check_interp(out, t, &s);
	rc = rc ? rc : check_needed(h, out, t, sysroot, &s);
	rc = rc ? rc
		: check_ceiling(out, t, &s, "glibc", "GLIBC_", glibc ? t->libc_version : NULL,
				glibc ? NULL : "uses musl, not glibc");
	rc = rc ? rc : check_glibc_private(out, &s);
	rc = rc ? rc
		: check_ceiling(out, t, &s, "glibcxx", "GLIBCXX_", t->glibcxx,
				no_gnu[0] ? no_gnu : NULL);
	rc = rc ? rc
		: check_ceiling(out, t, &s, "cxxabi", "CXXABI_", t->cxxabi,
				no_gnu[0] ? no_gnu : NULL);
	rc = rc ? rc : check_cxx(out, t, &s);
	rc = rc ? rc : check_kernel(out, t, &s);
	if (rc == -ENOMEM)
		gotc_fail(h, rc, "out of memory");
out:
	scan_free(&s);
	if (rc)
		elf_report_free(out);
	return rc;
}

int elf_check_mem(gotc_t *h, const struct target *t, const char *sysroot, const void *data,
		  size_t len, struct elf_report *out)
{
	memset(out, 0, sizeof(*out));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return gotc_fail(h, GOTC_EELF, "libelf: %s", elf_errmsg(-1));
	Elf *e = elf_memory((char *)data, len);
	if (!e)
		return gotc_fail(h, GOTC_EELF, "not an ELF file: %s", elf_errmsg(-1));
	int rc = check_elf(h, t, sysroot, e, out);
	elf_end(e);
	return rc;
}

int elf_check_file(gotc_t *h, const struct target *t, const char *sysroot, const char *path,
		   struct elf_report *out)
{
	memset(out, 0, sizeof(*out));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return gotc_fail(h, GOTC_EELF, "libelf: %s", elf_errmsg(-1));
	int fd = open_regular(path); /* a FIFO argument fails at once */
	if (fd == GOTC_ENOTREG)
		return gotc_fail(h, GOTC_EELF, "not a regular file");
	if (fd < 0)
		return gotc_fail(h, fd, "%s", strerror(-fd));
	int rc;
	Elf *e = NULL;
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e) {
		rc = gotc_fail(h, GOTC_EELF, "not an ELF file: %s", elf_errmsg(-1));
		goto out;
	}
	rc = check_elf(h, t, sysroot, e, out);
out:
	if (e)
		elf_end(e);
	close(fd);
	return rc;
}

int elf_glibc_need(gotc_t *h, const char *path, int machine, char *out, size_t outlen)
{
	unsigned char magic[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return gotc_fail(h, -errno, "%s: %s", path, strerror(errno));
	struct scan s;
	memset(&s, 0, sizeof(s));
	struct stat st;
	int rc = 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    pread(fd, magic, 4, 0) != 4 || memcmp(magic, ELFMAG, SELFMAG) != 0)
		goto out;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		rc = gotc_fail(h, GOTC_EELF, "libelf: %s", elf_errmsg(-1));
		goto out;
	}
	/* mapped, not read: the versions needed are in the dynamic segment,
	 * a few pages of a file that may be 30 MB (cc1); the files are the
	 * entry's own, in its staging tree, so nothing truncates them under
	 * the mapping.  The sections (symbol names) add nothing to the need. */
	s.e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!s.e || elf_kind(s.e) != ELF_K_ELF || !gelf_getehdr(s.e, &s.eh)) {
		rc = gotc_fail(h, GOTC_EELF, "%s: bad ELF header", path);
		goto out;
	}
	if (s.eh.e_machine != machine)
		goto out;
	if ((rc = scan_phdrs(h, &s)))
		goto out;
	const char *best = NULL;
	for (size_t i = 0; i < s.nvn; i++) {
		const char *v = symver_number(s.vn[i].name, "GLIBC_");
		if (v && (!best || version_cmp(v, best) > 0))
			best = v;
	}
	if (best) {
		snprintf(out, outlen, "%s", best);
		rc = 1;
	}
out:
	scan_free(&s);
	if (s.e)
		elf_end(s.e);
	close(fd);
	return rc;
}
