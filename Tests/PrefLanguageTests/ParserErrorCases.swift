/// Sources with the exact text of their rendered diagnostics (DESIGN.md §4 format), one case per
/// kind of lexical or syntax error.
enum ParserErrorCases {
    /// Each case: source and the exact rendered diagnostics (DESIGN.md §4 format).
    static let rendered: [(String, String)] = [
        ("let l = dpo(chosen, rejected beta: 0.1)", """
            t.pref:1:30: error: expected ',' or ')' after argument, found 'beta'
              |
            1 | let l = dpo(chosen, rejected beta: 0.1)
              |                              ^~~~
              = hint: separate arguments with ','

            """),
        ("let x = \"abc\nlet y = 2", """
            t.pref:1:9: error: unterminated string
              |
            1 | let x = "abc
              |         ^~~~
              = hint: close it with " before the end of the line

            """),
        ("let total = cost $ 2", """
            t.pref:1:18: error: invalid character '$'
              |
            1 | let total = cost $ 2
              |                  ^

            """),
        ("if a && b { 1 }", """
            t.pref:1:6: error: invalid character '&'
              |
            1 | if a && b { 1 }
              |      ^~
              = hint: use 'and' for logical and

            """),
        (#"show("tab\q")"#, #"""
            t.pref:1:10: error: invalid escape sequence '\q'
              |
            1 | show("tab\q")
              |          ^~
              = hint: valid escapes are \n \t \r \0 \\ \" \' \{ \} and \u{1F600}

            """#),
        ("let lr = 1e-", """
            t.pref:1:10: error: malformed number '1e-'
              |
            1 | let lr = 1e-
              |          ^~~
              = hint: an exponent needs digits, as in 1e-3

            """),
        ("let n = 3rd", """
            t.pref:1:9: error: malformed number '3rd'
              |
            1 | let n = 3rd
              |         ^~~
              = hint: a name cannot start with a digit

            """),
        (#"print("{x")"#, """
            t.pref:1:8: error: unterminated interpolation
              |
            1 | print("{x")
              |        ^
              = hint: close it with '}', or write '{{' for a literal '{'

            """),
        ("let ok = 0 < x < 1", """
            t.pref:1:16: error: comparison operators cannot be chained
              |
            1 | let ok = 0 < x < 1
              |                ^
              = hint: use `a < b and b < c`

            """),
        ("fit(policy, epochs: 3, train)", """
            t.pref:1:24: error: positional argument after keyword argument
              |
            1 | fit(policy, epochs: 3, train)
              |                        ^~~~~
              = hint: put positional arguments before 'epochs: …'

            """),
        ("fn f(a, b: 1, c) { a }", """
            t.pref:1:15: error: parameter 'c' without a default follows one with a default
              |
            1 | fn f(a, b: 1, c) { a }
              |               ^
              = hint: give 'c' a default, or move it before 'b'

            """),
        ("f(x) = 3", """
            t.pref:1:1: error: cannot assign to this expression
              |
            1 | f(x) = 3
              | ^~~~
              = hint: assign to a name, an element x[i] or a field r.field

            """),
        ("let y = xs |> 2 * 3", """
            t.pref:1:15: error: the right side of '|>' must be a function name, a member or a call
              |
            1 | let y = xs |> 2 * 3
              |               ^~~~~
              = hint: write x |> f or x |> f(a); the value goes in as the first argument

            """),
        ("if x = 1 { y }", """
            t.pref:1:6: error: expected '{' to start the 'if' body, found '='
              |
            1 | if x = 1 { y }
              |      ^
              = hint: use '==' to compare

            """),
        ("let x = .5", """
            t.pref:1:9: error: expected an expression, found '.'
              |
            1 | let x = .5
              |         ^
              = hint: numbers start with a digit: write 0.5, not .5

            """),
        ("let r = {a: 1 b: 2}", """
            t.pref:1:15: error: expected ',' or '}' after record field, found 'b'
              |
            1 | let r = {a: 1 b: 2}
              |               ^
              = hint: separate fields with ','

            """),
        ("let f = {\n  let y = 1\n}", """
            t.pref:2:3: error: expected a field name or '}', found 'let'
              |
            2 |   let y = 1
              |   ^~~
              = hint: '{' here starts a record; a block can only follow 'if', 'else', 'for', 'while' or 'fn'

            """),
        ("let g = fn h(x) x", """
            t.pref:1:12: error: a named function can only be declared as a statement
              |
            1 | let g = fn h(x) x
              |            ^
              = hint: write fn(…) … for a function value, or declare fn h(…) { … } on its own line

            """),
        ("import \"helpers.pref\"", """
            t.pref:1:8: error: a file import needs a name
              |
            1 | import "helpers.pref"
              |        ^~~~~~~~~~~~~~
              = hint: write import "helpers.pref" as name

            """),
        ("let [a, ...rest, b] = xs", """
            t.pref:1:12: error: the rest pattern must come last
              |
            1 | let [a, ...rest, b] = xs
              |            ^~~~
              = hint: write [first, ...others]

            """),
        ("let x = 1 2", """
            t.pref:1:11: error: expected newline or ';' after statement, found '2'
              |
            1 | let x = 1 2
              |           ^
              = hint: put each statement on its own line, or separate them with ';'

            """),
        ("show(x))", """
            t.pref:1:8: error: unexpected ')'
              |
            1 | show(x))
              |        ^
              = hint: there is no '(' for it to close

            """),
        ("fn f() {\n  param p = 1\n}", """
            t.pref:2:3: error: 'param' is only allowed at the top level of a script
              |
            2 |   param p = 1
              |   ^~~~~
              = hint: use 'let' inside functions and blocks

            """),
        ("let in = 3", """
            t.pref:1:5: error: expected a name or a destructuring pattern, found 'in'
              |
            1 | let in = 3
              |     ^~
              = hint: 'in' is a keyword and cannot be a name

            """),
        ("let s = “hi”", """
            t.pref:1:9: error: invalid character '“'
              |
            1 | let s = “hi”
              |         ^
              = hint: use straight quotes (" or ') for strings

            """),
        ("let t = (a, b)", """
            t.pref:1:11: error: expected ')' after the expression, found ','
              |
            1 | let t = (a, b)
              |           ^
              = hint: pref has no tuples; use a list: [a, b]

            """),
        ("let p = 2 ** 8", """
            t.pref:1:12: error: expected an expression, found '*'
              |
            1 | let p = 2 ** 8
              |            ^
              = hint: use '^' for powers: x^2

            """),
        ("let big = 1e999", """
            t.pref:1:11: error: number '1e999' is too large
              |
            1 | let big = 1e999
              |           ^~~~~
              = hint: the largest number is about 1.8e308

            """),
        ("let s = \"{}\"", """
            t.pref:1:10: error: empty interpolation
              |
            1 | let s = "{}"
              |          ^~
              = hint: write '{{' and '}}' for literal braces

            """),
        ("let s = \"{x +}\"", """
            t.pref:1:14: error: expected an expression, found '}'
              |
            1 | let s = "{x +}"
              |              ^

            """),
        (#"let smile = "\u{1F60G}""#, #"""
            t.pref:1:14: error: invalid unicode escape
              |
            1 | let smile = "\u{1F60G}"
              |              ^~~~~~~~~
              = hint: write a unicode escape as \u{1F600}, with 1 to 8 hexadecimal digits

            """#),
        ("let r = {a: 1, a: 2}", """
            t.pref:1:16: error: duplicate field 'a' in record
              |
            1 | let r = {a: 1, a: 2}
              |                ^

            """),
        ("fn f(x, x) { x }", """
            t.pref:1:9: error: duplicate parameter 'x'
              |
            1 | fn f(x, x) { x }
              |         ^

            """),
        ("param [a, b] = xs", """
            t.pref:1:7: error: a 'param' binds a single name
              |
            1 | param [a, b] = xs
              |       ^~~~~~
              = hint: write param name = value

            """),
        ("for i in 0..n..m { }", """
            t.pref:1:14: error: range operators cannot be chained
              |
            1 | for i in 0..n..m { }
              |              ^~
              = hint: put one of the ranges in parentheses

            """),
        ("f(k = 1)", """
            t.pref:1:5: error: expected ',' or ')' after argument, found '='
              |
            1 | f(k = 1)
              |     ^
              = hint: write a keyword argument as 'name: value'

            """),
        ("let v = t.0", """
            t.pref:1:11: error: expected a member name after '.', found '0'
              |
            1 | let v = t.0
              |           ^
              = hint: use x[0] for an element of a list

            """),
        ("let s = 'abc", """
            t.pref:1:9: error: unterminated string
              |
            1 | let s = 'abc
              |         ^~~~
              = hint: close it with ' before the end of the line

            """),
        ("x = 1\n  |> f\n|> g(", """
            t.pref:3:6: error: expected an expression, found end of input
              |
            3 | |> g(
              |      ^

            """),
        ("let x = " + String(repeating: "[", count: 150) + String(repeating: "]", count: 150), """
            t.pref:1:109: error: expression nested too deeply
              |
            1 | let x = \(String(repeating: "[", count: 150) + String(repeating: "]", count: 150))
              |                                                                                                             ^
              = hint: split it up with 'let' bindings

            """),
    ]
}
