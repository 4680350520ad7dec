/* util_hash.c - sha256/sha512 through OpenSSL EVP; the only file that includes OpenSSL. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util.h"

struct hasher {
	EVP_MD_CTX *ctx;
	bool failed; /* an EVP call failed: the digest is never a valid one */
};

struct hasher *hasher_new(enum hash_algo algo)
{
	struct hasher *h = malloc(sizeof(*h));
	if (!h)
		return NULL;
	h->failed = false;
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx ||
	    !EVP_DigestInit_ex(h->ctx, algo == HASH_SHA512 ? EVP_sha512() : EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(h->ctx);
		free(h);
		return NULL;
	}
	return h;
}

void hasher_update(struct hasher *h, const void *p, size_t n)
{
	if (!h->failed && EVP_DigestUpdate(h->ctx, p, n) != 1)
		h->failed = true;
}

void hasher_final(struct hasher *h, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	static const char hex[] = "0123456789abcdef";
	if (h->failed || EVP_DigestFinal_ex(h->ctx, md, &n) != 1 || n == 0) {
		/* fails closed: matches no expected digest, and says why */
		snprintf(out, 129, "(the hash library failed)");
		hasher_free(h);
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * n] = '\0';
	hasher_free(h);
}

void hasher_free(struct hasher *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

int hash_file(const char *path, enum hash_algo algo, char *out)
{
	int fd = open_regular(path); /* a FIFO in the cache never blocks */
	if (fd < 0)
		return fd;
	struct hasher *h = hasher_new(algo);
	if (!h) {
		close(fd);
		return -ENOMEM;
	}
	static __thread char block[1 << 16];
	for (;;) {
		ssize_t n = read(fd, block, sizeof(block));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;
			hasher_free(h);
			close(fd);
			return e;
		}
		if (n == 0)
			break;
		hasher_update(h, block, (size_t)n);
	}
	close(fd);
	hasher_final(h, out);
	return 0;
}

void sha256_hex(const void *p, size_t n, char out[65])
{
	struct hasher *h = hasher_new(HASH_SHA256);
	if (!h) {
		out[0] = '\0';
		return;
	}
	hasher_update(h, p, n);
	hasher_final(h, out);
}
