// zlib for reading gzipped data files transparently (gzread passes plain files through).
#include <zlib.h>
