// See include/CEditLineShim.h: each function forwards exactly one variadic libedit call.
#include "CEditLineShim.h"

#include <locale.h>
#include <stddef.h>

int pel_set_prompt(EditLine *el, pel_prompt_fn prompt) {
    return el_set(el, EL_PROMPT, prompt);
}

int pel_set_prompt_esc(EditLine *el, pel_prompt_fn prompt, char ignore) {
    // The ignore character travels through varargs, so it is promoted to int.
    return el_set(el, EL_PROMPT_ESC, prompt, (int)ignore);
}

int pel_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}

int pel_set_signal(EditLine *el, int on) {
    return el_set(el, EL_SIGNAL, on);
}

int pel_set_hist(EditLine *el, History *history_handle) {
    // libedit calls back through the function it is given; the narrow history() matches el_gets.
    return el_set(el, EL_HIST, history, history_handle);
}

int pel_add_function(EditLine *el, const char *name, const char *help, pel_command_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}

int pel_bind(EditLine *el, const char *keys, const char *function) {
    // EL_BIND takes an argv-style list terminated by NULL.
    return el_set(el, EL_BIND, keys, function, (const char *)NULL);
}

int pel_set_clientdata(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}

int pel_get_clientdata(EditLine *el, void **data) {
    return el_get(el, EL_CLIENTDATA, data);
}

int pel_set_unbuffered(EditLine *el, int on) {
    return el_set(el, EL_UNBUFFERED, on);
}

int pel_history_setsize(History *h, HistEvent *ev, int size) {
    return history(h, ev, H_SETSIZE, size);
}

int pel_history_getsize(History *h, HistEvent *ev) {
    return history(h, ev, H_GETSIZE);
}

int pel_history_setunique(History *h, HistEvent *ev, int on) {
    return history(h, ev, H_SETUNIQUE, on);
}

int pel_history_enter(History *h, HistEvent *ev, const char *line) {
    return history(h, ev, H_ENTER, line);
}

int pel_history_load(History *h, HistEvent *ev, const char *path) {
    return history(h, ev, H_LOAD, path);
}

int pel_history_save(History *h, HistEvent *ev, const char *path) {
    return history(h, ev, H_SAVE, path);
}

int pel_history_first(History *h, HistEvent *ev) {
    return history(h, ev, H_FIRST);
}

int pel_history_next(History *h, HistEvent *ev) {
    return history(h, ev, H_NEXT);
}

int pel_history_last(History *h, HistEvent *ev) {
    return history(h, ev, H_LAST);
}

int pel_history_prev(History *h, HistEvent *ev) {
    return history(h, ev, H_PREV);
}

int pel_history_clear(History *h, HistEvent *ev) {
    return history(h, ev, H_CLEAR);
}

int pel_setlocale_ctype(void) {
    return setlocale(LC_CTYPE, "") != NULL ? 0 : -1;
}
