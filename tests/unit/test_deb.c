/* test_deb.c - deb822 reader, Debian version order, Release and Packages
 * parsing, dependency resolution over a small index. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "deb.h"
#include "util.h"

static void test_version_order(void **state)
{
	(void)state;
	/* each row: a < b (deb-version(7)) */
	static const char *const lt[][2] = {
		{"1.0", "1.1"},		{"1.0~rc1", "1.0"},   {"1.0", "1.0-1"},	   {"1.0-1", "1.0-2"},
		{"1:0.1", "2:0.0"},	{"2.36-8", "2.36-9"}, {"1.2.13.dfsg-1", "1.2.13.dfsg-1+b1"},
		{"3.0.9-1", "3.0.11-1"}, {"9", "1:0"},	      {"1.0a", "1.0b"},	   {"1.0", "1.0a"},
		{"1.0~~", "1.0~"},	{"2.36-9+deb12u4", "2.36-9+deb12u10"}, {"0:1.0", "1.1"},
	};
	for (size_t i = 0; i < sizeof(lt) / sizeof(lt[0]); i++) {
		assert_true(deb_version_cmp(lt[i][0], lt[i][1]) < 0);
		assert_true(deb_version_cmp(lt[i][1], lt[i][0]) > 0);
	}
	assert_int_equal(deb_version_cmp("1.0-1", "1.0-1"), 0);
	assert_int_equal(deb_version_cmp("0:1.0", "1.0"), 0);
	assert_int_equal(deb_version_cmp("1.01", "1.1"), 0);
}

static void test_file_parse(void **state)
{
	(void)state;
	/* each row: file name or URL, name, version, arch */
	static const char *const good[][4] = {
		{"libc6_2.36-9+deb12u4_arm64.deb", "libc6", "2.36-9+deb12u4", "arm64"},
		{"http://127.0.0.1:8/debian/pool/main/g/gcc-12/libstdc++6_12.2.0-14_arm64.deb", "libstdc++6",
		 "12.2.0-14", "arm64"},
		{"libssl-dev_3.0.11-1~deb12u2_armhf.deb", "libssl-dev", "3.0.11-1~deb12u2", "armhf"},
		{"/cache/debs/gcc-12_12.2.0-14%3a_amd64.deb", NULL, NULL, NULL},
		{"libpcap0.8-dev_1%3a1.10.3-1_arm64.deb", "libpcap0.8-dev", "1:1.10.3-1", "arm64"},
		{"zlib1g-dev_1%3A1.2.13.dfsg-1_mips64el.deb", "zlib1g-dev", "1:1.2.13.dfsg-1", "mips64el"},
		{"linux-libc-dev-arm64-cross_6.1.4-1cross1_all.deb", "linux-libc-dev-arm64-cross", "6.1.4-1cross1",
		 "all"},
		{"tzdata_2024a~0deb12u1_all.deb", "tzdata", "2024a~0deb12u1", "all"},
		{"g++-12_12.2.0-14_arm64.deb", "g++-12", "12.2.0-14", "arm64"},
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char *n = NULL, *v = NULL, *a = NULL;
		int rc = deb_file_parse(good[i][0], &n, &v, &a);
		if (!good[i][1]) {
			assert_int_equal(rc, -EINVAL);
			assert_null(n);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(n, good[i][1]);
		assert_string_equal(v, good[i][2]);
		assert_string_equal(a, good[i][3]);
		free(n);
		free(v);
		free(a);
	}
	/* any output may be left out */
	char *v = NULL;
	assert_int_equal(deb_file_parse("a/b/libc6_2%3a2.36_arm64.deb", NULL, &v, NULL), 0);
	assert_string_equal(v, "2:2.36");
	free(v);
	static const char *const bad[] = {
		"",
		".deb",
		"libc6_2.36-9_arm64.udeb",
		"libc6_2.36-9_arm64.deb/",
		"libc6_2.36-9.deb",		/* no architecture */
		"libc6_2.36_9_arm64.deb",	/* four fields */
		"_2.36-9_arm64.deb",		/* no name */
		"libc6__arm64.deb",		/* no version */
		"libc6_2.36-9_.deb",		/* no architecture */
		"libc6_2%3_arm64.deb",		/* short escape */
		"libc6_2%zz1_arm64.deb",	/* not hex */
		"libc6_2%001_arm64.deb",	/* NUL */
		"libc6_2%2f1_arm64.deb",	/* '/' is no version character */
		"libc6_1%3a2%3a3_arm64.deb", /* two colons */
		"libc6_%3a2.36_arm64.deb",	/* empty epoch */
		"libc6_x%3a2.36_arm64.deb",	/* epoch not digits */
		"libc6_1%3aa.36_arm64.deb",	/* upstream starts with a letter */
		"libc6_~1_arm64.deb",
		"lib c6_2.36_arm64.deb",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *n = NULL;
		if (deb_file_parse(bad[i], &n, NULL, NULL) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
		assert_null(n);
	}
}

struct seen {
	int stanzas, fields;
	char first[64];
};

static int count(void *ctx, const struct deb822_field *f, size_t n, int line)
{
	struct seen *s = ctx;
	(void)line;
	if (!s->stanzas++) {
		size_t l;
		const char *d = deb822_get(f, n, "description", &l);
		snprintf(s->first, sizeof(s->first), "%.*s", (int)l, d ? d : "");
	}
	s->fields += (int)n;
	return 0;
}

static void test_deb822(void **state)
{
	(void)state;
	gotc_t h;
	memset(&h, 0, sizeof(h));
	const char *ok = "# comment\nPackage: a\nDescription: one\n two\n .\n\n\n\nPackage: b\r\nX: y\n";
	struct seen s = {0};
	assert_int_equal(deb822_parse(&h, "P", ok, strlen(ok), count, &s), 0);
	assert_int_equal(s.stanzas, 2);
	assert_int_equal(s.fields, 4);
	assert_string_equal(s.first, "one\n two\n .");
	const char *bad[] = {" cont\n", "Package a\n", "A: 1\nA: 2\n", ": x\n", "A b: c\n"};
	const char *why[] = {"P:1: continuation line outside a field", "P:1: expected 'Field: value'",
			     "P:2: field repeated in one stanza", "P:1: expected 'Field: value'",
			     "P:1: field name with a space or control character"};
	for (size_t i = 0; i < 5; i++) {
		memset(&s, 0, sizeof(s));
		assert_int_equal(deb822_parse(&h, "P", bad[i], strlen(bad[i]), count, &s), GOTC_ERECIPE);
		assert_string_equal(h.errbuf, why[i]);
	}
}

static void test_release(void **state)
{
	(void)state;
	gotc_t h;
	memset(&h, 0, sizeof(h));
	const char *t = "Origin: Debian\nDate: Sat, 11 Jul 2026 10:16:37 UTC\nCodename: bookworm\nMD5Sum:\n"
			" 0ed6d4c8891eb86358b94bb35d9e4da4  1484322 contrib/Contents-all\nSHA256:\n"
			" 5f2d6fd1a4ab9f1ea3b3c6c0ce2e59bc5d0ad9d3f52c5d1ff1a49a9d1d2d6b51   123 main/binary-arm64/Packages\n"
			" 6f2d6fd1a4ab9f1ea3b3c6c0ce2e59bc5d0ad9d3f52c5d1ff1a49a9d1d2d6b51    45 main/binary-arm64/Packages.xz\n";
	struct deb_release r;
	assert_int_equal(deb_release_read(&h, "InRelease", t, strlen(t), &r), 0);
	assert_string_equal(r.codename, "bookworm");
	assert_string_equal(r.date, "Sat, 11 Jul 2026 10:16:37 UTC");
	assert_int_equal(r.nfiles, 2);
	const struct deb_release_file *f = deb_release_find(&r, "main/binary-arm64/Packages.xz");
	assert_non_null(f);
	assert_int_equal(f->size, 45);
	assert_null(deb_release_find(&r, "main/binary-amd64/Packages"));
	deb_release_free(&r);
	const char *bad = "SHA256:\n xyz 12 main/binary-arm64/Packages\n";
	assert_int_equal(deb_release_read(&h, "InRelease", bad, strlen(bad), &r), GOTC_ERECIPE);
	assert_string_equal(h.errbuf, "InRelease:1: SHA256 line ' xyz 12 main/binary-arm64/Packages' is not 'HEX SIZE PATH'");
}

#define Z64 "0000000000000000000000000000000000000000000000000000000000000000"
#define STANZA(name, ver, arch, extra) \
	"Package: " name "\nVersion: " ver "\nArchitecture: " arch "\n" extra \
	"Filename: pool/main/x/" name "_" ver "_" arch ".deb\nSize: 100\nSHA256: " Z64 "\n\n"

static const char index_text[] =
	STANZA("libssl-dev", "3.0.11-1", "arm64", "Depends: libssl3 (= 3.0.11-1)\n")
	STANZA("libssl3", "3.0.11-1", "arm64", "Depends: libc6 (>= 2.34)\n")
	STANZA("zlib1g-dev", "1:1.2.13.dfsg-1", "arm64", "Depends: zlib1g (= 1:1.2.13.dfsg-1), libc6-dev | libc-dev\n")
	STANZA("zlib1g", "1:1.2.13.dfsg-1", "arm64", "Pre-Depends: libc6 (>= 2.14)\n")
	STANZA("libfoo-dev", "1.0", "arm64", "Depends: libbar (>= 2) | libbaz, debconf (>= 0.5) | debconf-2.0\n")
	STANZA("libbar", "1.5", "arm64", "")
	STANZA("libbar", "2.1", "arm64", "")
	STANZA("libbaz", "1.0", "arm64", "")
	STANZA("debconf", "1.5.82", "all", "Multi-Arch: foreign\n")
	STANZA("libnew", "1.0", "arm64", "Depends: libc6 (>= 2.38)\n")
	STANZA("libvirt-user", "1.0", "arm64", "Depends: libvirtual\n")
	STANZA("provider", "1.0", "arm64", "Provides: libvirtual (= 1.0)\n")
	STANZA("mta-a", "1.0", "arm64", "Provides: mail-transport\nConflicts: mail-transport\n")
	STANZA("mta-b", "2.0", "arm64", "Breaks: mta-a (<< 1.1)\n")
	STANZA("oldlibc-user", "1.0", "arm64", "Conflicts: libc6 (<< 2.40)\n");

static const struct deb_base base[] = {{"libc6", "2.36-8"}, {"libc6-dev", "2.36-8"}};

static char *names(const struct deb_resolution *r)
{
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; i < r->n; i++)
		buf_printf(&b, "%s%s=%s", i ? " " : "", r->pkgs[i]->name, r->pkgs[i]->version);
	for (size_t i = 0; r->left_to_host && r->left_to_host[i]; i++)
		buf_printf(&b, " host:%s", r->left_to_host[i]);
	return buf_steal(&b);
}

static void test_resolve(void **state)
{
	(void)state;
	gotc_t h;
	memset(&h, 0, sizeof(h));
	struct deb_index idx = {0};
	assert_int_equal(deb_index_read(&h, "Packages", index_text, strlen(index_text), &idx), 0);
	assert_int_equal(idx.n, 15);
	struct deb_resolution r;
	char *want1[] = {"libssl-dev", "zlib1g-dev", NULL};
	assert_int_equal(deb_resolve(&h, &idx, "arm64", base, 2, want1, &r), 0);
	char *got = names(&r);
	assert_string_equal(got, "libssl-dev=3.0.11-1 libssl3=3.0.11-1 zlib1g-dev=1:1.2.13.dfsg-1 zlib1g=1:1.2.13.dfsg-1");
	free(got);
	deb_resolution_free(&r);
	/* the highest version that satisfies (>= 2); Multi-Arch: foreign left to the host */
	char *want2[] = {"libfoo-dev", NULL};
	assert_int_equal(deb_resolve(&h, &idx, "arm64", base, 2, want2, &r), 0);
	got = names(&r);
	assert_string_equal(got, "libfoo-dev=1.0 libbar=2.1 host:debconf");
	free(got);
	deb_resolution_free(&r);
	/* a virtual package through Provides */
	char *want3[] = {"libvirt-user", NULL};
	assert_int_equal(deb_resolve(&h, &idx, "arm64", base, 2, want3, &r), 0);
	got = names(&r);
	assert_string_equal(got, "libvirt-user=1.0 provider=1.0");
	free(got);
	deb_resolution_free(&r);
	/* the sysroot's libc is too old */
	char *want4[] = {"libnew", NULL};
	assert_int_equal(deb_resolve(&h, &idx, "arm64", base, 2, want4, &r), GOTC_EDEPENDS);
	assert_string_equal(h.errbuf, "libnew 1.0 depends on 'libc6 (>= 2.38)', which nothing satisfies "
				      "(the sysroot provides 2.36-8)");
	/* Conflicts on a virtual it provides itself is no clash; Breaks is */
	char *want6[] = {"mta-a", NULL};
	assert_int_equal(deb_resolve(&h, &idx, "arm64", base, 2, want6, &r), 0);
	deb_resolution_free(&r);
	char *want7[] = {"mta-a", "mta-b", NULL};
	assert_int_equal(deb_resolve(&h, &idx, "arm64", base, 2, want7, &r), GOTC_EDEPENDS);
	assert_string_equal(h.errbuf, "mta-b 2.0 and mta-a 1.0 cannot be installed together: mta-b Breaks: "
				      "mta-a (<< 1.1)");
	char *want8[] = {"oldlibc-user", NULL};
	assert_int_equal(deb_resolve(&h, &idx, "arm64", base, 2, want8, &r), GOTC_EDEPENDS);
	assert_string_equal(h.errbuf, "oldlibc-user 1.0 cannot go into this sysroot: it conflicts with "
				      "'libc6 (<< 2.40)', and the sysroot has libc6 2.36-8");
	/* unknown, with close names */
	char *want5[] = {"libssl", NULL};
	assert_int_equal(deb_resolve(&h, &idx, "arm64", base, 2, want5, &r), GOTC_ENOTFOUND);
	assert_string_equal(h.errbuf, "unknown package 'libssl' for arm64 (did you mean libssl3, libssl-dev?)");
	deb_index_free(&idx);
	/* a stanza without SHA256 */
	const char *bad = "Package: a\nVersion: 1\nArchitecture: all\nFilename: pool/a.deb\nSize: 1\n";
	assert_int_equal(deb_index_read(&h, "Packages", bad, strlen(bad), &idx), GOTC_ERECIPE);
	assert_string_equal(h.errbuf, "Packages:1: package stanza without SHA256");
	deb_index_free(&idx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_order),
		cmocka_unit_test(test_file_parse),
		cmocka_unit_test(test_deb822),
		cmocka_unit_test(test_release),
		cmocka_unit_test(test_resolve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
