/* circle_priv.h - what the circle files of repo/ and format/ share, and what
 * they lend share.c, note.c and question.c; not API. */
#ifndef WOL_CIRCLE_PRIV_H
#define WOL_CIRCLE_PRIV_H

#include "wol.h"

#include <git2.h>
#include <sys/stat.h>

struct wol_circle {
	char *name;
	char *path;    /* work tree */
	char *gitdir;  /* work tree + "/.git" */
	char *home;
	char handle[WOL_HANDLE_MAX + 1];
	char *author;  /* display name for commits */
	char *email;
	wol_date today;
	git_repository *repo;
	/* the index as we last wrote it, kept parsed between commits; used
	 * while $GIT_DIR/index still has the same inode, size and mtime */
	git_index *idx;
	struct stat idx_st;
};


/* circle.c */
wol_circle *wol_circle__new(wol_ctx *ctx, const char *name, const char *path, wol_error *err);
/* Removes a directory tree we created (no symlinks followed). */
void wol_circle__rmtree(const char *path);
/* Settings every circle clone gets (core.symlinks off). */
int wol_circle__harden(git_repository *repo);
/* A fresh circles/.tmp-<id> path for building a circle before moving it
 * in, with its lock held (see wol_circle__tmp_release); temporary folders
 * of joins and inits that were killed are removed first. */
int wol_circle__tmp_sibling(const wol_ctx *ctx, const char *tag, char **out, wol_lock *lock,
                            wol_error *err);
/* Drops the lock of a temporary folder (moved in or removed by then). */
void wol_circle__tmp_release(const char *tmp, wol_lock *lock);

/* ../format/circle_md.c: the documents of a new member and a new circle */
char *wol_circle__member_doc(wol_circle *c, const char *goal, size_t *len, wol_error *err);
char *wol_circle__circle_doc(const char *name, wol_date started, int meets, int weeks, size_t *len,
                             wol_error *err);

const char *wol_circle__home(const wol_circle *c);
wol_date wol_circle__today(const wol_circle *c);
const char *wol_circle__author(const wol_circle *c);
/* Read / write root-relative files without following symbolic links. */
int wol_circle__read(wol_circle *c, const char *rel, size_t max, char **out, size_t *len,
                     wol_error *err);
/* The same from a circle's work tree path (for the index). */
int wol_circle__read_at(const char *root, const char *rel, size_t max, char **out, size_t *len,
                        wol_error *err);
int wol_circle__write(wol_circle *c, const char *rel, const char *data, size_t len,
                      wol_error *err);

/* note.c: a free path notes/<handle>/<slug>[-N].md (work tree and HEAD);
 * my notes without commit times. */
char *wol_note__free_path(wol_circle *c, const char *title);
int wol_note__list_quick(wol_circle *c, wol_note **out, size_t *n, wol_error *err);

#endif
