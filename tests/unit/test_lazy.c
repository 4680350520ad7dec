/* test_lazy.c - the loader of libarchive, libcurl and libgit2 (lazy.c). */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "gotc.h"
#include "lazy.h"
#include "util.h"

/* every library loads, and its functions are the library's own */
static void test_loads(void **state)
{
	(void)state;
	static const char *const first[] = {"archive_read_new", "curl_easy_init", "git_libgit2_init"};
	for (int lib = 0; lib < LAZY_NLIBS; lib++) {
		assert_null(lazy_try((enum lazy_lib)lib));
		assert_non_null(strstr(lazy_soname((enum lazy_lib)lib), ".so."));
		void *h = dlopen(lazy_soname((enum lazy_lib)lib), RTLD_NOW | RTLD_NOLOAD);
		assert_non_null(h); /* loaded by lazy_try */
		void *f = lazy_sym((enum lazy_lib)lib, first[lib]);
		assert_ptr_equal(f, dlsym(h, first[lib]));
		assert_ptr_equal(f, lazy_sym((enum lazy_lib)lib, first[lib])); /* cached */
		dlclose(h);
	}
	gotc_t h;
	memset(&h, 0, sizeof(h));
	assert_int_equal(lazy_need(&h, LAZY_CURL), 0);
}

/* a function the library lacks: the process ends, 127, naming both */
static void test_missing_function_exits(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 2);
		lazy_sym(LAZY_CURL, "curl_no_such_function");
		_exit(0);
	}
	close(p[1]);
	char msg[512] = "";
	ssize_t n = read(p[0], msg, sizeof(msg) - 1);
	close(p[0]);
	msg[n > 0 ? n : 0] = '\0';
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 127);
	assert_non_null(strstr(msg, "gotc: libcurl.so"));
	assert_non_null(strstr(msg, "has no curl_no_such_function"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads),
		cmocka_unit_test(test_missing_function_exits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
