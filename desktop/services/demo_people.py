"""Made-up people and enterprises' codes for the demo office: common names, valid ID numbers
(real check characters, real Jilin area codes, some of them historical) that belong to nobody
on record, and valid 统一社会信用代码."""

from __future__ import annotations

import random
from datetime import date

from desktop.core.identifiers import USCC_ALPHABET, id_check_char, uscc_check_char

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文朴"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍鹏辉玲建国春梅海燕东雪红波宇浩然子涵欣怡俊熙哲瑞成龙凤鑫博文颖"

# Paired source areas (DOMAIN.md 3.1) and a few others, with the 户籍地 text
# the way rosters write it.  Historical codes appear only inside ID numbers.
PAIRED_HUKOU = [
    ("222401", "延吉市"), ("222402", "图们市"), ("222403", "敦化市"), ("222404", "珲春市"),
    ("222405", "延边州龙井市"), ("222406", "和龙市"), ("222424", "汪清县"), ("222426", "安图县"),
    ("220882", "大安市"), ("220821", "镇赉县"), ("220822", "白城市通榆县"), ("220622", "靖宇县"),
    ("220623", "长白朝鲜族自治县"), ("220881", "洮南市"), ("220382", "双辽市"), ("220524", "柳河县"),
    ("220722", "长岭县"),
]
OTHER_HUKOU = [("220102", "长春市南关区"), ("220282", "桦甸市"), ("220581", "梅河口市")]
HISTORICAL_ID_CODES = {"222405": "222421", "222403": "222422", "222406": "222423", "220882": "222325"}


def id_number(rng: random.Random, area: str, born: date, male: bool) -> str:
    seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"{area}{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def uscc(rng: random.Random, county: str) -> str:
    body = "".join(rng.choice(USCC_ALPHABET[:10] + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    first17 = "91" + county + body
    return first17 + uscc_check_char(first17)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))

