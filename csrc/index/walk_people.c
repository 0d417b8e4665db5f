/* index/walk_people.c - your list of people in the index: each
 * $WOL_HOME/people/<slug>.md is a document of kind "person" (its name the
 * title, its relation and tags searchable, its contribution lines the
 * text). Private like the journal: never of a circle, so no circle: filter,
 * share or sync ever sees one. Dot files (.lock, .trash/), folders and
 * links are passed over, as the list itself does (people/list.c); a file
 * that cannot be read or parsed is indexed as far as it goes (extract.c
 * records the problem) and never stops the refresh. */
#include "index/index_int.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* people/ relative to $WOL_HOME: the one place the index names it */
#define PEOPLE_DIR "people"

int wol_index__person_path(const char *rel)
{
	size_t dl = strlen(PEOPLE_DIR), n = strlen(rel);
	if (strncmp(rel, PEOPLE_DIR "/", dl + 1) != 0)
		return 0;
	const char *name = rel + dl + 1;
	n -= dl + 1;
	return n > 3 && name[0] != '.' && !strchr(name, '/') && strcmp(name + n - 3, ".md") == 0;
}

int wol_index__walk_people(wol_walk *w)
{
	char *absdir = wol_strfmt("%s/" PEOPLE_DIR, wol_ctx_home(w->ix->ctx));
	if (!absdir)
		return wol_error_set(w->err, WOL_ENOMEM, "out of memory");
	DIR *d = opendir(absdir);
	if (!d) {
		/* no list yet (or a people/ that cannot be opened: wol doctor and
		 * the list say so; the rest of the index goes on) */
		free(absdir);
		return 0;
	}
	static const wol_index_place pl = {.kind = "person"};
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char rel[600], abs[4096];
		if (de->d_type != DT_REG && de->d_type != DT_UNKNOWN)
			continue;
		if ((size_t)snprintf(rel, sizeof rel, PEOPLE_DIR "/%s", de->d_name) >= sizeof rel ||
		    !wol_index__person_path(rel))
			continue;
		struct stat st;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		w->rep->stat++;
		if (!S_ISREG(st.st_mode))
			continue;
		if ((size_t)snprintf(abs, sizeof abs, "%s/%s", absdir, de->d_name) >= sizeof abs)
			continue;
		rc = wol_index__visit(w, rel, abs, &st, &pl);
	}
	closedir(d);
	free(absdir);
	return rc;
}
