// Fixed-argument wrappers for libedit's variadic native API.
//
// Swift cannot call C variadic functions: el_set, el_get and history() are imported as
// unavailable. Each wrapper forwards one operation with its exact argument types and returns
// libedit's int status unchanged (0 or a count on success, -1 on failure; for history() the
// HistEvent then holds an error code in `num` and a message in `str`).
#ifndef PREF_CEDITLINESHIM_H
#define PREF_CEDITLINESHIM_H

#include <stdio.h>
#include <histedit.h>

#pragma clang assume_nonnull begin

/// A prompt function: returns the prompt text, owned by the caller of el_set.
typedef char *_Nonnull (*pel_prompt_fn)(EditLine *);
/// A user editor function registered with EL_ADDFN; returns one of the CC_* codes.
typedef unsigned char (*pel_command_fn)(EditLine *, int);

// ==== Editing: el_set / el_get ====

/// EL_PROMPT: the function that produces the prompt.
int pel_set_prompt(EditLine *el, pel_prompt_fn prompt);
/// EL_PROMPT_ESC: as EL_PROMPT, but text between two `ignore` characters is sent to the terminal
/// without counting towards the cursor column (for colour escape sequences).
int pel_set_prompt_esc(EditLine *el, pel_prompt_fn prompt, char ignore);
/// EL_EDITOR: "emacs" or "vi".
int pel_set_editor(EditLine *el, const char *mode);
/// EL_SIGNAL: nonzero makes libedit install its own handlers around reads (restoring the tty).
int pel_set_signal(EditLine *el, int on);
/// EL_HIST: attach a History, navigated through libedit's own history() function.
int pel_set_hist(EditLine *el, History *history);
/// EL_ADDFN: register `fn` under `name` (used by key bindings) with a help text.
int pel_add_function(EditLine *el, const char *name, const char *help, pel_command_fn fn);
/// EL_BIND: bind one key sequence (e.g. "^I" or "\\e[200~") to a named function.
int pel_bind(EditLine *el, const char *keys, const char *function);
/// EL_CLIENTDATA (set): an opaque pointer that callbacks can fetch back.
int pel_set_clientdata(EditLine *el, void *_Nullable data);
/// EL_CLIENTDATA (get): stores the pointer set by pel_set_clientdata into *data.
int pel_get_clientdata(EditLine *el, void *_Nullable *_Nonnull data);
/// EL_UNBUFFERED: nonzero makes el_gets return after every character.
int pel_set_unbuffered(EditLine *el, int on);

// ==== History: history() ====

/// H_SETSIZE: keep at most `size` entries; the oldest are dropped on the next enter.
int pel_history_setsize(History *h, HistEvent *ev, int size);
/// H_GETSIZE: the number of entries, in ev->num.
int pel_history_getsize(History *h, HistEvent *ev);
/// H_SETUNIQUE: nonzero drops an entry equal to the most recent one.
int pel_history_setunique(History *h, HistEvent *ev, int on);
/// H_ENTER: add a line as the newest entry (copied).
int pel_history_enter(History *h, HistEvent *ev, const char *line);
/// H_LOAD: append the entries of a history file; returns the number of lines read.
int pel_history_load(History *h, HistEvent *ev, const char *path);
/// H_SAVE: write all entries, oldest first; returns the number written.
int pel_history_save(History *h, HistEvent *ev, const char *path);
/// H_FIRST: move to the newest entry (libedit's "first" is the most recent).
int pel_history_first(History *h, HistEvent *ev);
/// H_NEXT: move one entry towards the oldest.
int pel_history_next(History *h, HistEvent *ev);
/// H_LAST: move to the oldest entry.
int pel_history_last(History *h, HistEvent *ev);
/// H_PREV: move one entry towards the newest.
int pel_history_prev(History *h, HistEvent *ev);
/// H_CLEAR: remove every entry.
int pel_history_clear(History *h, HistEvent *ev);

// ==== Locale ====

/// setlocale(LC_CTYPE, ""): without it libedit silently drops non-ASCII keystrokes.
/// Returns 0 on success, -1 if the environment's locale is not available.
int pel_setlocale_ctype(void);

#pragma clang assume_nonnull end

#endif
