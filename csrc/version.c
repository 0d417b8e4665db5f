/* version.c - the library as a whole: setting it up once per process, its
 * version and what it was built with */
#include "util/util.h"

#include <cjson/cJSON.h>
#include <git2.h>
#include <sqlite3.h>
#include <stdio.h>
#include <yaml.h>

int wol_init(wol_error *err)
{
	int rc = git_libgit2_init();
	if (rc < 0)
		return wol_error_git(err, rc, "libgit2 failed to initialise");
	/* The one process-wide libgit2 option, set here and nowhere else:
	 * objects, the index and refs written into a .git are fsynced before
	 * they count, so a crash never leaves a branch pointing at objects
	 * that are not on disk (the commit path and sync rely on it; reading
	 * costs nothing, a fetch or clone a few fsyncs per pack). */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	return 0;
}

void wol_shutdown(void)
{
	git_libgit2_shutdown();
}

const char *wol_version(void)
{
	return WOL_VERSION;
}

void wol_version_libs(wol_libinfo *out)
{
	int maj = 0, min = 0, rev = 0;
	git_libgit2_version(&maj, &min, &rev);
	snprintf(out->libgit2, sizeof out->libgit2, "%d.%d.%d", maj, min, rev);
	int feat = git_libgit2_features();
	out->wol = WOL_VERSION;
	out->format = WOL_FORMAT_VERSION;
	out->git_threads = (feat & GIT_FEATURE_THREADS) != 0;
	out->git_https = (feat & GIT_FEATURE_HTTPS) != 0;
	out->git_ssh = (feat & GIT_FEATURE_SSH) != 0;
	out->sqlite = sqlite3_libversion();
	out->sqlite_fts5 = sqlite3_compileoption_used("ENABLE_FTS5");
	out->libyaml = yaml_get_version_string();
	out->cjson = cJSON_Version();
}
