// libedit's native API. <editline/readline.h> is deliberately not included: GNU readline's
// headers may be installed too, and the native API is the one pref uses.
#include <stdio.h>
#include <histedit.h>
