"""Names sort by pinyin, as a dictionary orders them: at the surname readings pypinyin lacks,
at the tones, at same-sounding surnames, and at enterprise names it would misread."""

from __future__ import annotations

import random
from typing import Any

import pytest

from desktop.core.pinyin_order import SURNAME_READINGS, enterprise_sort_key, person_sort_key

# In the order a Chinese reader expects. Code-point order puts 丁 first and 解 … 查 anywhere.
PEOPLE = [
    "艾青",    # ài
    "曹雪芹",  # cáo
    "丁玲",    # dīng
    "盖叫天",  # gě, not gài
    "李安",    # lǐ 李 …
    "李明",
    "里安",    # … then lǐ 里: one surname's people together
    "林黛玉",  # lín after lǐ: li is a prefix of lin
    "妈祖",    # mā
    "麻林",    # má
    "马云",    # mǎ: by tone
    "区寄",    # ōu, not qū
    "潘安",    # pān
    "朴成浩",  # piáo, not pǔ (the Korean surname, frequent in 延边)
    "仇英",    # qiú, not chóu
    "单田芳",  # shàn, not dān
    "解缙",    # xiè, not jiě
    "尉迟恭",  # yùchí, a compound surname
    "乐毅",    # yuè, not lè
    "曾国藩",  # zēng, not céng
    "查良镛",  # zhā, not chá
    "张飞",    # zhāng
]


def test_people_sort_by_the_surname_as_a_surname_is_read() -> None:
    shuffled = PEOPLE[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=person_sort_key) == PEOPLE
    assert sorted(PEOPLE) != PEOPLE  # code-point order is not it


@pytest.mark.parametrize(("name", "key_start"), [
    ("单雄信", "shan4单"), ("曾敏", "zeng1曾"), ("解放", "xie4解"), ("仇海", "qiu2仇"), ("区志", "ou1区"),
    ("查文", "zha1查"), ("朴英", "piao2朴"), ("盖明", "ge3盖"), ("乐平", "yue4乐"), ("尉迟敬", "yu4尉 chi2迟"),
])
def test_the_surname_readings_pypinyin_lacks(name: str, key_start: str) -> None:
    assert person_sort_key(name).startswith(key_start)


def test_chinese_names_keyed_directly_as_through_the_general_path() -> None:
    """person_sort_key joins a Chinese-only name's keys directly: the same key _join gives."""
    from desktop.core.pinyin_order import _person_key_by_parts

    names = [*PEOPLE, *SURNAME_READINGS, "单", "王单", "尉迟", "㐀明", "\uf900林", "长孙无忌", "万俟卨", "𠀀明"]
    for name in names:
        assert person_sort_key(name) == _person_key_by_parts(name), name
    assert person_sort_key("李a明") == _person_key_by_parts("李a明") != person_sort_key("李明")


def test_only_the_surname_is_read_as_a_surname() -> None:
    assert person_sort_key("王单") == "wang2王 dan1单"  # 单 inside a given name: its common reading
    assert person_sort_key(" 曾敏 ") == person_sort_key("曾敏")
    assert all(len(readings) == len(surname) for surname, readings in SURNAME_READINGS.items())


def test_enterprises_read_words_as_words_but_not_across_a_place_name() -> None:
    names = ["延吉市图们江物流有限公司", "延吉市长白山食品有限公司", "延吉市北山冷面餐饮有限公司",
             "延吉市金达莱超市有限公司"]
    # 北 běi, 长 cháng (not zhǎng of 市长 "mayor"), 金 jīn, 图 tú
    assert sorted(names, key=enterprise_sort_key) == [names[2], names[1], names[3], names[0]]
    assert "chang2长 chun1春" in enterprise_sort_key("吉林省长春市一汽配件厂")  # not 省长 "governor"
    assert "hang2行" in enterprise_sort_key("吉林银行延吉分行")
    assert enterprise_sort_key("重庆小面馆").startswith("chong2重")


def test_letters_and_digits_stay_words() -> None:
    assert enterprise_sort_key("ABC物流") == "abc wu4物 liu2流"
    assert sorted(["第2分公司", "A公司", "12号店"], key=enterprise_sort_key) == ["12号店", "A公司", "第2分公司"]


_KEYS_IN_A_NEW_PROCESS = """
import json, sys
from desktop.core import pinyin_order as po
if sys.argv[1] == "plain":
    import pypinyin  # the ordinary import: its phrase dictionary loaded at once
names, firms = json.loads(sys.stdin.read())
people = [po.person_sort_key(n) for n in names]
import pypinyin.constants
phrases_before = len(pypinyin.constants.PHRASES_DICT)
enterprises = [po.enterprise_sort_key(n) for n in firms]
print(json.dumps([people, enterprises, phrases_before, len(pypinyin.constants.PHRASES_DICT)]))
"""


def test_names_read_without_the_phrase_dictionary_read_as_with_it() -> None:
    """A roster's names are keyed before pypinyin's phrases are loaded (0.25 s of an import's start);
    every key is the one the ordinary import gives, and an enterprise's name still reads phrases."""
    import json
    import os
    import subprocess
    import sys

    from pypinyin.pinyin_dict import pinyin_dict

    people = PEOPLE + ["长孙无忌", "李重行", "乐行", "abc 李", "张 三"] + [chr(k) for k in sorted(pinyin_dict)[::7]]
    enterprises = ["延吉市长白山食品有限公司", "重庆银行吉林分行", "吉林省长白县行政服务中心", "敦化市重大项目有限公司"]

    def keys(mode: str) -> list[Any]:
        # The names go through stdin: as arguments they pass Windows' 32,767-character command line.
        out = subprocess.run([sys.executable, "-c", _KEYS_IN_A_NEW_PROCESS, mode],
                             input=json.dumps([people, enterprises]), capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
        return list(json.loads(out.stdout))

    lazy, plain = keys("lazy"), keys("plain")
    assert lazy[2] == 0 < plain[2]  # the roster's names were keyed without the phrases
    assert lazy[0] == plain[0]
    assert lazy[1] == plain[1] == [enterprise_sort_key(n) for n in enterprises]
    assert lazy[3] == plain[3]  # then loaded whole, for the enterprises
    assert "zhang3" not in plain[1][0]  # 延吉市|长白山: not read as 市长 (mayor)
