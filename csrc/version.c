/* version.c - the library as a whole: its version and what it was built
 * with (setting it up: util/git.c) */
#include "util/util.h"

#include <cjson/cJSON.h>
#include <git2.h>
#include <sqlite3.h>
#include <stdio.h>
#include <yaml.h>

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
