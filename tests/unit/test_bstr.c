/*
 * test_bstr: whole copies fit or fail leaving the buffer as it was; cut
 * copies always end in a terminator within the buffer.
 */
#include <string.h>

#include "bstr.h"
#include "t.h"

int
main(void)
{
	char	 b[6];

	T_CHECK(bstr_copy(b, sizeof(b), "hello") == 0 &&
	    strcmp(b, "hello") == 0, "copy: exactly fits");
	T_CHECK(bstr_copy(b, sizeof(b), "hello!") == -1 &&
	    strcmp(b, "hello") == 0, "copy: one too long fails, unchanged");
	T_CHECK(bstr_copy(b, sizeof(b), NULL) == -1 &&
	    strcmp(b, "hello") == 0, "copy: NULL fails, unchanged");
	T_CHECK(bstr_copy(b, sizeof(b), "") == 0 && b[0] == '\0',
	    "copy: empty");
	T_CHECK(bstr_copy(b, 0, "") == -1, "copy: no room at all");
	T_CHECK(bstr_copy_opt(b, sizeof(b), NULL) == 0 && b[0] == '\0',
	    "copy_opt: NULL is empty");
	T_CHECK(bstr_copy_opt(b, sizeof(b), "abc") == 0 &&
	    strcmp(b, "abc") == 0, "copy_opt: a value");
	T_CHECK(bstr_copy_opt(b, sizeof(b), "abcdefg") == -1 &&
	    strcmp(b, "abc") == 0, "copy_opt: too long fails, unchanged");
	bstr_trunc(b, sizeof(b), "abcdefgh");
	T_CHECK(strcmp(b, "abcde") == 0, "trunc: cut to sz - 1");
	bstr_trunc(b, sizeof(b), NULL);
	T_CHECK(b[0] == '\0', "trunc: NULL is empty");
	bstr_trunc(b, 1, "xyz");
	T_CHECK(b[0] == '\0', "trunc: room for the terminator only");
	memset(b, 'x', sizeof(b));
	bstr_trunc(b, 0, "xyz");
	T_CHECK(b[0] == 'x', "trunc: sz 0 writes nothing");
	return t_done();
}
