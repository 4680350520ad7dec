/* env_files.c - which file of a target prefix holds which env format. */
#include <string.h>

#include "install.h"

const struct env_file env_files[] = {{"sh", "env.sh"},	 {"fish", "env.fish"},	   {"json", "env.json"},
		 {"make", "env.mk"},	 {"github", "env.github"}, {"cmake", "toolchain.cmake"},
		 {"meson", "cross.ini"}, {"nul", "env.0"}};

const size_t env_file_count = sizeof(env_files) / sizeof(env_files[0]);

const char *env_file_name(const char *format)
{
	for (size_t i = 0; i < env_file_count; i++)
		if (strcmp(env_files[i].format, format) == 0)
			return env_files[i].file;
	return NULL;
}

