/* lazy.h - libarchive, libcurl and libgit2, loaded on first use.
 *
 * Together they pull 45 shared objects into a process (libcurl alone 32:
 * GnuTLS, Kerberos, LDAP...; libarchive libxml2 and ICU).  Loading them and
 * running their constructors was 36 of the 40 ms of CPU a gotc-core command
 * spent before main, while most commands (show, check, env files, a no-op
 * install, each install worker) need one of them or none.  So gotc-core does
 * not link them: a source that calls one includes the library's headers and
 * then this file, which turns each call into a call through the address
 * lazy_sym() finds (dlopen on the library's first use, dlsym on a function's,
 * both cached).  The headers still declare every function, so the calls keep
 * their types: the address is cast to __typeof__ the declared function.
 *
 * Each entry point of a user calls lazy_need() first, so a library that
 * cannot be loaded fails the command as any other error does.  A call it
 * would still reach ends the process with status 127 and a message naming
 * the library, as the dynamic loader did at start-up (the one place the core
 * prints).  Sonames come from configure (GOTC_SONAME_*).
 *
 * To call another function of these libraries, add it below: a call missing
 * here fails to link (gotc-core has no -larchive, -lcurl or -lgit2). */
#ifndef GOTC_LAZY_H
#define GOTC_LAZY_H

enum lazy_lib { LAZY_ARCHIVE, LAZY_CURL, LAZY_GIT2, LAZY_NLIBS };

/* The address of function name of lib; never NULL (exits 127 instead).
 * name must be a string that lives as long as the process. */
void *lazy_sym(enum lazy_lib lib, const char *name);

/* Load lib: NULL when it is loaded, else why not (dlerror's message, kept). */
const char *lazy_try(enum lazy_lib lib);

/* The soname lib is loaded by. */
const char *lazy_soname(enum lazy_lib lib);

struct gotc;
/* Load lib for a command that is about to use it: 0, or GOTC_EASSEMBLE with
 * the soname and the loader's reason in h, so that the command fails as any
 * other step does (its cleanup runs) rather than at a call (exit 127). */
int lazy_need(struct gotc *h, enum lazy_lib lib);

#define LAZY_CALL(lib, f) ((__typeof__(f) *)lazy_sym(lib, #f))

#ifdef ARCHIVE_VERSION_NUMBER
#define archive_entry_atime LAZY_CALL(LAZY_ARCHIVE, archive_entry_atime)
#define archive_entry_atime_is_set LAZY_CALL(LAZY_ARCHIVE, archive_entry_atime_is_set)
#define archive_entry_atime_nsec LAZY_CALL(LAZY_ARCHIVE, archive_entry_atime_nsec)
#define archive_entry_copy_stat LAZY_CALL(LAZY_ARCHIVE, archive_entry_copy_stat)
#define archive_entry_filetype LAZY_CALL(LAZY_ARCHIVE, archive_entry_filetype)
#define archive_entry_free LAZY_CALL(LAZY_ARCHIVE, archive_entry_free)
#define archive_entry_hardlink LAZY_CALL(LAZY_ARCHIVE, archive_entry_hardlink)
#define archive_entry_mtime LAZY_CALL(LAZY_ARCHIVE, archive_entry_mtime)
#define archive_entry_mtime_is_set LAZY_CALL(LAZY_ARCHIVE, archive_entry_mtime_is_set)
#define archive_entry_mtime_nsec LAZY_CALL(LAZY_ARCHIVE, archive_entry_mtime_nsec)
#define archive_entry_new LAZY_CALL(LAZY_ARCHIVE, archive_entry_new)
#define archive_entry_pathname LAZY_CALL(LAZY_ARCHIVE, archive_entry_pathname)
#define archive_entry_pathname_utf8 LAZY_CALL(LAZY_ARCHIVE, archive_entry_pathname_utf8)
#define archive_entry_perm LAZY_CALL(LAZY_ARCHIVE, archive_entry_perm)
#define archive_entry_set_filetype LAZY_CALL(LAZY_ARCHIVE, archive_entry_set_filetype)
#define archive_entry_set_gid LAZY_CALL(LAZY_ARCHIVE, archive_entry_set_gid)
#define archive_entry_set_hardlink LAZY_CALL(LAZY_ARCHIVE, archive_entry_set_hardlink)
#define archive_entry_set_nlink LAZY_CALL(LAZY_ARCHIVE, archive_entry_set_nlink)
#define archive_entry_set_pathname LAZY_CALL(LAZY_ARCHIVE, archive_entry_set_pathname)
#define archive_entry_set_perm LAZY_CALL(LAZY_ARCHIVE, archive_entry_set_perm)
#define archive_entry_set_size LAZY_CALL(LAZY_ARCHIVE, archive_entry_set_size)
#define archive_entry_set_symlink LAZY_CALL(LAZY_ARCHIVE, archive_entry_set_symlink)
#define archive_entry_set_uid LAZY_CALL(LAZY_ARCHIVE, archive_entry_set_uid)
#define archive_entry_size LAZY_CALL(LAZY_ARCHIVE, archive_entry_size)
#define archive_entry_size_is_set LAZY_CALL(LAZY_ARCHIVE, archive_entry_size_is_set)
#define archive_entry_symlink LAZY_CALL(LAZY_ARCHIVE, archive_entry_symlink)
#define archive_errno LAZY_CALL(LAZY_ARCHIVE, archive_errno)
#define archive_error_string LAZY_CALL(LAZY_ARCHIVE, archive_error_string)
#define archive_format LAZY_CALL(LAZY_ARCHIVE, archive_format)
#define archive_read_data LAZY_CALL(LAZY_ARCHIVE, archive_read_data)
#define archive_read_data_block LAZY_CALL(LAZY_ARCHIVE, archive_read_data_block)
#define archive_read_free LAZY_CALL(LAZY_ARCHIVE, archive_read_free)
#define archive_read_new LAZY_CALL(LAZY_ARCHIVE, archive_read_new)
#define archive_read_next_header LAZY_CALL(LAZY_ARCHIVE, archive_read_next_header)
#define archive_read_open LAZY_CALL(LAZY_ARCHIVE, archive_read_open)
#define archive_read_open_fd LAZY_CALL(LAZY_ARCHIVE, archive_read_open_fd)
#define archive_read_open_filename LAZY_CALL(LAZY_ARCHIVE, archive_read_open_filename)
#define archive_read_open_memory LAZY_CALL(LAZY_ARCHIVE, archive_read_open_memory)
#define archive_read_set_format_option LAZY_CALL(LAZY_ARCHIVE, archive_read_set_format_option)
#define archive_read_support_filter_all LAZY_CALL(LAZY_ARCHIVE, archive_read_support_filter_all)
#define archive_read_support_filter_bzip2 LAZY_CALL(LAZY_ARCHIVE, archive_read_support_filter_bzip2)
#define archive_read_support_filter_gzip LAZY_CALL(LAZY_ARCHIVE, archive_read_support_filter_gzip)
#define archive_read_support_filter_lzma LAZY_CALL(LAZY_ARCHIVE, archive_read_support_filter_lzma)
#define archive_read_support_filter_rpm LAZY_CALL(LAZY_ARCHIVE, archive_read_support_filter_rpm)
#define archive_read_support_filter_xz LAZY_CALL(LAZY_ARCHIVE, archive_read_support_filter_xz)
#define archive_read_support_filter_zstd LAZY_CALL(LAZY_ARCHIVE, archive_read_support_filter_zstd)
#define archive_read_support_format_ar LAZY_CALL(LAZY_ARCHIVE, archive_read_support_format_ar)
#define archive_read_support_format_cpio LAZY_CALL(LAZY_ARCHIVE, archive_read_support_format_cpio)
#define archive_read_support_format_raw LAZY_CALL(LAZY_ARCHIVE, archive_read_support_format_raw)
#define archive_read_support_format_tar LAZY_CALL(LAZY_ARCHIVE, archive_read_support_format_tar)
#define archive_read_support_format_zip LAZY_CALL(LAZY_ARCHIVE, archive_read_support_format_zip)
#define archive_set_error LAZY_CALL(LAZY_ARCHIVE, archive_set_error)
#define archive_write_add_filter_zstd LAZY_CALL(LAZY_ARCHIVE, archive_write_add_filter_zstd)
#define archive_write_close LAZY_CALL(LAZY_ARCHIVE, archive_write_close)
#define archive_write_data LAZY_CALL(LAZY_ARCHIVE, archive_write_data)
#define archive_write_data_block LAZY_CALL(LAZY_ARCHIVE, archive_write_data_block)
#define archive_write_disk_new LAZY_CALL(LAZY_ARCHIVE, archive_write_disk_new)
#define archive_write_disk_set_options LAZY_CALL(LAZY_ARCHIVE, archive_write_disk_set_options)
#define archive_write_finish_entry LAZY_CALL(LAZY_ARCHIVE, archive_write_finish_entry)
#define archive_write_free LAZY_CALL(LAZY_ARCHIVE, archive_write_free)
#define archive_write_header LAZY_CALL(LAZY_ARCHIVE, archive_write_header)
#define archive_write_new LAZY_CALL(LAZY_ARCHIVE, archive_write_new)
#define archive_write_open_fd LAZY_CALL(LAZY_ARCHIVE, archive_write_open_fd)
#define archive_write_open_filename LAZY_CALL(LAZY_ARCHIVE, archive_write_open_filename)
#define archive_write_set_format_option LAZY_CALL(LAZY_ARCHIVE, archive_write_set_format_option)
#define archive_write_set_format_pax_restricted LAZY_CALL(LAZY_ARCHIVE, archive_write_set_format_pax_restricted)
#endif

#ifdef LIBCURL_VERSION_NUM
/* curl.h's type-checking wrappers (gcc) are macros of these names */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_easy_cleanup LAZY_CALL(LAZY_CURL, curl_easy_cleanup)
#define curl_easy_escape LAZY_CALL(LAZY_CURL, curl_easy_escape)
#define curl_easy_getinfo LAZY_CALL(LAZY_CURL, curl_easy_getinfo)
#define curl_easy_init LAZY_CALL(LAZY_CURL, curl_easy_init)
#define curl_easy_perform LAZY_CALL(LAZY_CURL, curl_easy_perform)
#define curl_easy_reset LAZY_CALL(LAZY_CURL, curl_easy_reset)
#define curl_easy_setopt LAZY_CALL(LAZY_CURL, curl_easy_setopt)
#define curl_easy_strerror LAZY_CALL(LAZY_CURL, curl_easy_strerror)
#define curl_free LAZY_CALL(LAZY_CURL, curl_free)
#define curl_global_init LAZY_CALL(LAZY_CURL, curl_global_init)
#define curl_multi_add_handle LAZY_CALL(LAZY_CURL, curl_multi_add_handle)
#define curl_multi_cleanup LAZY_CALL(LAZY_CURL, curl_multi_cleanup)
#define curl_multi_info_read LAZY_CALL(LAZY_CURL, curl_multi_info_read)
#define curl_multi_init LAZY_CALL(LAZY_CURL, curl_multi_init)
#define curl_multi_perform LAZY_CALL(LAZY_CURL, curl_multi_perform)
#define curl_multi_poll LAZY_CALL(LAZY_CURL, curl_multi_poll)
#define curl_multi_remove_handle LAZY_CALL(LAZY_CURL, curl_multi_remove_handle)
#define curl_multi_strerror LAZY_CALL(LAZY_CURL, curl_multi_strerror)
#define curl_slist_append LAZY_CALL(LAZY_CURL, curl_slist_append)
#define curl_slist_free_all LAZY_CALL(LAZY_CURL, curl_slist_free_all)
#endif

#ifdef LIBGIT2_VERSION
#define git_blob_rawcontent LAZY_CALL(LAZY_GIT2, git_blob_rawcontent)
#define git_blob_rawsize LAZY_CALL(LAZY_GIT2, git_blob_rawsize)
#define git_commit_free LAZY_CALL(LAZY_GIT2, git_commit_free)
#define git_commit_lookup LAZY_CALL(LAZY_GIT2, git_commit_lookup)
#define git_commit_tree LAZY_CALL(LAZY_GIT2, git_commit_tree)
#define git_error_last LAZY_CALL(LAZY_GIT2, git_error_last)
#define git_fetch_options_init LAZY_CALL(LAZY_GIT2, git_fetch_options_init)
#define git_graph_descendant_of LAZY_CALL(LAZY_GIT2, git_graph_descendant_of)
#define git_libgit2_init LAZY_CALL(LAZY_GIT2, git_libgit2_init)
#define git_libgit2_opts LAZY_CALL(LAZY_GIT2, git_libgit2_opts)
#define git_libgit2_shutdown LAZY_CALL(LAZY_GIT2, git_libgit2_shutdown)
#define git_object_free LAZY_CALL(LAZY_GIT2, git_object_free)
#define git_object_id LAZY_CALL(LAZY_GIT2, git_object_id)
#define git_object_lookup LAZY_CALL(LAZY_GIT2, git_object_lookup)
#define git_object_peel LAZY_CALL(LAZY_GIT2, git_object_peel)
#define git_oid_equal LAZY_CALL(LAZY_GIT2, git_oid_equal)
#define git_oid_fromstr LAZY_CALL(LAZY_GIT2, git_oid_fromstr)
#define git_oid_tostr LAZY_CALL(LAZY_GIT2, git_oid_tostr)
#define git_proxy_options_init LAZY_CALL(LAZY_GIT2, git_proxy_options_init)
#define git_reference_create LAZY_CALL(LAZY_GIT2, git_reference_create)
#define git_reference_free LAZY_CALL(LAZY_GIT2, git_reference_free)
#define git_remote_connect LAZY_CALL(LAZY_GIT2, git_remote_connect)
#define git_remote_create_options_init LAZY_CALL(LAZY_GIT2, git_remote_create_options_init)
#define git_remote_create_with_opts LAZY_CALL(LAZY_GIT2, git_remote_create_with_opts)
#define git_remote_disconnect LAZY_CALL(LAZY_GIT2, git_remote_disconnect)
#define git_remote_download LAZY_CALL(LAZY_GIT2, git_remote_download)
#define git_remote_free LAZY_CALL(LAZY_GIT2, git_remote_free)
#define git_remote_init_callbacks LAZY_CALL(LAZY_GIT2, git_remote_init_callbacks)
#define git_remote_ls LAZY_CALL(LAZY_GIT2, git_remote_ls)
#define git_repository_free LAZY_CALL(LAZY_GIT2, git_repository_free)
#define git_repository_init LAZY_CALL(LAZY_GIT2, git_repository_init)
#define git_repository_open_bare LAZY_CALL(LAZY_GIT2, git_repository_open_bare)
#define git_tree_entry_byindex LAZY_CALL(LAZY_GIT2, git_tree_entry_byindex)
#define git_tree_entry_byname LAZY_CALL(LAZY_GIT2, git_tree_entry_byname)
#define git_tree_entry_filemode LAZY_CALL(LAZY_GIT2, git_tree_entry_filemode)
#define git_tree_entry_name LAZY_CALL(LAZY_GIT2, git_tree_entry_name)
#define git_tree_entry_to_object LAZY_CALL(LAZY_GIT2, git_tree_entry_to_object)
#define git_tree_entry_type LAZY_CALL(LAZY_GIT2, git_tree_entry_type)
#define git_tree_entrycount LAZY_CALL(LAZY_GIT2, git_tree_entrycount)
#define git_tree_free LAZY_CALL(LAZY_GIT2, git_tree_free)
#endif

#endif /* GOTC_LAZY_H */
