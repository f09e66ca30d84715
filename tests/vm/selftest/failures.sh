# Every kind of failing check, then a non-zero exit.
tb_ok passes
tb_fail fails "first line
second line"
tb_check check-fails sh -c 'echo "the output"; exit 4'
tb_eq eq-fails expected actual
echo '{"a":{"b":"x"},"n":3}' | tb_json_eq json-string-passes '.a.b' x
echo '{"a":{"b":"x"},"n":3}' | tb_json_eq json-number-fails '.n' 2
echo 'not json' | tb_json_eq json-invalid-fails '.n' 2
exit 3
