#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Build the Kagoshima City FY2020 inventory used by `triage`.

WHAT IS REAL AND WHAT IS SYNTHETIC
==================================

Source: Kagoshima City, "業務効率化等検討報告書（最終報告）", 2021-03-31
(鹿児島市AI等の活用による業務効率化等検討調査業務委託, 資料1-3), see
../../shared/seeds/kagoshima-ai-rpa-study.md in the workspace. The survey covered
93 departments (課), 236 tasks (業務), 497 processes (処理), 256,400 h a year.
The report lists only the 36 processes of >= 1,000 h a year (224,100 h).

REAL rows (No = 1..36, the report's rank by annual hours):
  * 課, 係, 業務, 処理 and 年間処理時間 come from the report's list
    "導入効果が期待できる処理一覧（処理時間順）" (業務 and 処理 use that list's
    wording); the row ORDER follows the list "導入効果が期待できる処理一覧
    （課・係別）" (広報課, 総務課, 市民税課, ...). Ties keep the report's order
    in the file: 8 before 9, 20 before 21, 27 before 28, 35 before 36.
  * 事務 is filled only where the 課・係別 list names the task differently from
    the rank list (an affair / 事務分掌 name); a mere truncation of the rank-list
    name (ranks 25 and 32 drop a parenthesis) counts as the same name.
  * 処理の概要 is filled only for the 7 "already addressed" processes (section
    3-2 ⑤, column 効率化等内容).
  * 定量効果見込, 状況, 実現可能性, 課題 encode the report's section 3-2
    priority tables (reduction hours, `-` = qualitative only, status of an
    existing improvement, `不可` = no current tool can do it, blockers).
  * Corrected typo: rank 8 is written "提出書類委の内容チェック" in the rank
    list; the 課・係別 list and section 3-2 write "提出書類の内容チェック",
    which is used here.
  * 年間処理件数 and 分類 are left blank (the report does not give them per
    process; classification is the engine's job).

SYNTHETIC rows (No = S001..S461): NOT in the report. The report only says the
other 461 processes total 32,300 h, each below 1,000 h. This script invents
461 processes with plausible Kagoshima-like department names and ordinary
Japanese task/process names, heavy-tailed hours (0.5 .. ~950 h, one decimal)
that sum to exactly 32,300.0 h (arithmetic in integer tenths of an hour), and
enough departments and tasks that the whole file has exactly 93 distinct 課
and 236 distinct (課, 業務) pairs, as the survey had. Every synthetic row has
処理の概要 = "合成データ（報告書に記載なし）" and no flags. Deterministic:
random.Random(2020), no set iteration, stdlib only.

Output: inventory/kagoshima-2020.csv (UTF-8, no BOM, "\n" line endings,
RFC 4180 quoting by the csv module) and tests/data/kagoshima-2020.sjis.csv
(the same text encoded as CP932 / Shift_JIS). Paths are relative to the
repository root (the parent of this script's directory).
"""

import csv
import io
import os
import random

HEADER = ["No", "課", "係", "事務", "業務", "処理", "処理の概要", "年間処理時間",
          "年間処理件数", "分類", "定量効果見込", "状況", "実現可能性", "課題"]

SYNTH_NOTE = "合成データ（報告書に記載なし）"

# ---------------------------------------------------------------------------
# REAL: the 36 processes of >= 1,000 h, in the report's 課・係別 order.
# (rank, 課, 係, 事務, 業務, 処理, hours)
# ---------------------------------------------------------------------------
REAL = [
    (27, "広報課", "", "広報デジタルアーカイブ公開", "デジタルアーカイブス公開",
     "CMS-8341にて目次ページの作成", 1500),
    (28, "広報課", "", "広報デジタルアーカイブ公開", "デジタルアーカイブス公開",
     "管理システム「ワードプレス」への入力", 1500),
    (20, "総務課", "統計係", "", "統計調査員報酬事務", "振替口座の入力", 1825),
    (21, "総務課", "統計係", "", "統計調査員報酬事務", "口座チェック作業の削減", 1825),
    (24, "総務課", "統計係", "", "統計調査員報酬事務",
     "調査別に支払われた報酬を調査員ごとに集計し、源泉徴収票を自動出力", 1775),
    (18, "市民税課", "賦課管理係", "", "給与支払報告書の基幹システム連携時のエラー処理",
     "処理対象のエラーの更新", 3510),
    (25, "市民税課", "賦課管理係", "", "特別徴収異動届出書の入力作業（窓口・郵便）",
     "異動届の仕分け", 1750),
    (26, "市民税課", "賦課第一係", "", "電話・窓口での税務相談", "問い合わせ対応処理", 1625),
    (35, "市民税課", "諸税係", "", "軽自動車税 車両異動入力等業務",
     "システム入力内容チェック", 1000),
    (19, "資産税課", "償却資産係", "", "増加資産入力業務", "システム入力内容チェック", 2500),
    (4, "納税課", "納税推進第一係", "", "滞納整理業務", "滞納ケースの分類、進行管理等", 14060),
    (12, "納税課", "納税推進第一係", "", "市町村等の照会回答業務",
     "照会に係る回答情報の検索、出力", 4460),
    (31, "納税課", "納税推進第二係", "", "差押や執行停止の対象者の選定事務",
     "差押が可能な者や執行停止が適切な者を選定する処理", 1334),
    (29, "契約課", "工事契約係", "", "競争入札参加資格審査申請書の受付", "申請書受付", 1467),
    (36, "危機管理課", "危機管理係", "調査結果入力事務(鹿児島市避難行動要支援者名簿に係る事務)",
     "調査結果入力事務", "調査結果入力事務", 1000),
    (22, "市民相談センター", "", "", "総合案内コールセンター「サンサンコールかごしま」運営業務",
     "問い合わせ対応処理", 1816),
    (3, "市民課", "戸籍係", "戸籍に関する届出等の受理", "戸籍届書の審査",
     "経験年数の少ない職員の審査、照合の業務支援", 14400),
    (11, "市民課", "戸籍係", "戸籍に関する届出等の受理", "戸籍届書の入力",
     "入力業務にRPAやOCR等の活用", 4800),
    (14, "国民健康保険課", "給付係", "", "国民健康保険加入・喪失業務に係るデータチェック業務",
     "システム入力内容チェック", 3875),
    (10, "資源政策課", "ごみ減量推進係", "粗大ごみ収集の申し込み受付事務",
     "申込情報の登録・収集日等の回答業務(粗大ごみ収集)",
     "規程フォーマットへの情報登録、収集日等の回答", 5400),
    (13, "資源政策課", "ごみ減量推進係", "剪定枝戸別収集の申し込み受付事務",
     "申込情報の登録・収集日等の回答業務(剪定枝戸別収集)",
     "規程フォーマットへの情報登録、収集日等の回答", 4000),
    (30, "介護保険課", "認定係", "介護保険認定申請情報入力", "申請情報入力",
     "介護保険事務処理システムへの入力", 1453),
    (6, "こども福祉課", "児童給付係", "", "児童手当現況届受付業務", "申請書受付・審査", 7083),
    (17, "こども福祉課", "児童給付係", "", "児童手当現況届受付業務", "基幹システムへの受付処理", 3542),
    (32, "こども福祉課", "児童給付係", "", "児童手当申請書受付業務(内容確認)", "申請書受付・審査", 1310),
    (34, "雇用推進課", "", "", "業務関連記事のピックアップ・コピー・切り抜き・分野別への仕分け作業",
     "関連記事（情報）の抽出", 1095),
    (1, "観光プロモーション課", "戦略係", "", "観光案内", "多言語に対応した観光案内", 64562),
    (23, "管理課", "技術管理係", "", "工事の設計積算業務", "積算ミス防止及びこれに伴う入札中止回避", 1800),
    (2, "建築指導課", "管理係", "", "建築確認紙台帳入力業務", "鹿児島市建築支援システム入力", 32000),
    (8, "設備課", "機械設備係", "", "工事監理の提出書類確認業務", "提出書類の内容チェック", 5500),
    (9, "設備課", "機械設備係", "", "工事監理の提出書類確認業務", "提出書類の保管", 5500),
    (5, "議事課", "委員会係", "", "常任委員会等の文字起こし作業", "音声データの書き起こし処理", 10920),
    (15, "会計管理室", "出納係", "", "財務端末への短縮コード・金額の入力", "財務端末への入力", 3600),
    (33, "会計管理室", "審査第１・２係", "", "支出負担行為兼支出命令の入力事務",
     "財務会計システムへの登録", 1100),
    (7, "保育幼稚園課", "利用調整係", "保育所等入所選考（利用調整）事務", "受付、選考業務",
     "保育園入園選考", 5640),
    (16, "保育幼稚園課", "利用調整係", "保育所等入所選考（利用調整）事務", "受付、選考業務",
     "保育所等入所申請入力", 3573),
]

# 処理の概要 for the 7 "already addressed" processes (section 3-2 ⑤, 効率化等内容).
OVERVIEW = {
    2: "人事課支援調整係へサポート依頼済",
    5: "AI会議録作成支援システム導入済",
    19: "データパンチ済",
    10: "アウトソーシング済",
    13: "アウトソーシング済",
    30: "業務のシステム化を検討中",
    36: "データパンチ活用を検討中",
}
EFFECT = {7: "4300", 15: "192", 16: "2343", 18: "2186", 20: "122", 24: "61", 25: "875",
          1: "-", 4: "-", 21: "-", 22: "-", 26: "-", 31: "-"}
STATUS = {2: "検討中", 5: "導入済", 10: "アウトソーシング済", 13: "アウトソーシング済",
          19: "データパンチ", 30: "検討中", 36: "検討中"}
INFEASIBLE = [3, 8, 9, 11, 12, 14, 23, 27, 28, 29, 33, 34, 35]
BLOCKER = {6: "制度改正", 17: "制度改正", 32: "制度改正", 25: "標準化",
           7: "運用見直し", 16: "運用見直し"}

REAL_TOTAL_H = 224100
TOTAL_H = 256400
N_TOTAL = 497
N_DEPTS = 93
N_TASKS = 236
TAIL_ROWS = N_TOTAL - len(REAL)               # 461
TAIL_TENTHS = (TOTAL_H - REAL_TOTAL_H) * 10   # 323,000 tenths = 32,300.0 h
MIN_TENTHS = 5                                # 0.5 h
CAP_TENTHS = 9500                             # 950.0 h, strictly below 1,000 h

# ---------------------------------------------------------------------------
# SYNTHETIC: kinds of task, each with a task-name pattern and the processes of
# its flow in order ({s} = subject).
# ---------------------------------------------------------------------------
KINDS = {
    "app": ("{s}申請受付業務",
            ["{s}申請書の受付", "{s}申請書の審査", "{s}申請内容のシステム入力",
             "{s}決定通知書の作成・発送", "{s}申請書類の保管・整理"]),
    "todoke": ("{s}届出受付業務",
               ["{s}届出書の受付", "{s}届出内容の確認", "{s}届出内容の基幹システム入力",
                "{s}届出書の電子化・保管"]),
    "ledger": ("{s}台帳管理業務",
               ["{s}台帳への入力", "{s}台帳の更新", "{s}台帳と原票の照合",
                "{s}台帳データの抽出・加工"]),
    "stat": ("{s}集計業務",
             ["{s}データの収集・点検", "{s}の集計", "{s}集計結果のExcel転記",
              "{s}報告書の作成"]),
    "pay": ("{s}支払業務",
            ["{s}請求書の受付・審査", "{s}支払データの作成", "{s}の支出命令入力",
             "{s}振込結果の確認"]),
    "inq": ("{s}問い合わせ対応業務",
            ["{s}に関する電話問い合わせ対応", "{s}に関する窓口案内",
             "{s}Q&Aの作成・更新"]),
    "notice": ("{s}通知業務",
               ["{s}対象者の抽出", "{s}通知書の作成", "{s}通知書の封入・発送",
                "{s}通知書の返戻処理"]),
    "insp": ("{s}業務",
             ["{s}計画の作成", "{s}結果の入力", "{s}に係る指導文書の作成",
              "{s}結果の集計"]),
    "contract": ("{s}契約事務",
                 ["{s}仕様書の作成", "{s}見積書の徴取・比較", "{s}契約書の作成",
                  "{s}履行確認"]),
    "collect": ("{s}徴収業務",
                ["{s}調定データの入力", "{s}納付書の作成・発送", "{s}収納消込",
                 "{s}督促状の発送"]),
    "reserve": ("{s}予約受付業務",
                ["{s}予約の受付", "{s}予約台帳への入力", "{s}予約状況の確認・調整",
                 "{s}利用実績の集計"]),
}

# Departments not in the report's 36 rows (72 of them), each with candidate
# tasks as (係, subject, kind). The first task of each is always used.
NEW_DEPTS = [
    ("人事課", [("人事係", "職員採用試験", "app"), ("人事係", "人事記録", "ledger"),
               ("給与係", "通勤手当", "todoke"), ("研修係", "職員研修受講", "app")]),
    ("職員厚生課", [("厚生係", "職員健康診断", "stat"), ("厚生係", "福利厚生事業", "app"),
                  ("安全衛生係", "公務災害", "todoke")]),
    ("政策企画課", [("企画係", "市民意識調査", "stat"), ("企画係", "総合計画進捗", "stat"),
                  ("調整係", "要望事項", "ledger")]),
    ("情報政策課", [("情報化推進係", "システム利用者", "ledger"), ("情報化推進係", "端末機器", "ledger"),
                  ("情報化推進係", "情報セキュリティ研修", "stat")]),
    ("財政課", [("財政係", "予算要求", "stat"), ("財政係", "市債", "ledger"), ("財政係", "決算統計", "stat")]),
    ("財産活用課", [("財産管理係", "普通財産", "ledger"), ("財産管理係", "市有地貸付", "collect"), ("財産管理係", "建物災害共済", "ledger")]),
    ("管財課", [("管財係", "庁舎使用許可", "app"), ("管財係", "公用車", "ledger"),
               ("用度係", "物品購入", "contract")]),
    ("文書法制課", [("文書係", "文書収受", "ledger"), ("文書係", "情報公開", "app"), ("文書係", "郵便物発送", "stat")]),
    ("地域振興課", [("地域振興係", "町内会", "ledger"), ("地域振興係", "地域活動補助金", "app"), ("地域振興係", "地域公民館整備補助金", "app")]),
    ("男女共同参画推進課", [("推進係", "女性相談", "inq"), ("推進係", "啓発講座受講", "app"), ("推進係", "審議会委員女性比率", "stat")]),
    ("文化振興課", [("文化振興係", "市民文化ホール", "reserve"), ("文化振興係", "文化芸術活動補助金", "app")]),
    ("スポーツ課", [("施設係", "体育施設", "reserve"), ("振興係", "スポーツ大会参加", "app"), ("振興係", "スポーツ推進委員", "ledger")]),
    ("安心安全課", [("交通安全係", "交通事故相談", "inq"), ("防犯係", "防犯灯設置補助金", "app"),
                  ("交通安全係", "放置自転車", "ledger")]),
    ("国民年金課", [("資格係", "国民年金資格取得", "todoke"), ("給付係", "国民年金保険料免除", "app"), ("給付係", "障害基礎年金", "app")]),
    ("市民協働課", [("協働推進係", "市民活動団体", "ledger"), ("協働推進係", "ボランティア登録", "app"), ("協働推進係", "市民活動助成金", "app")]),
    ("環境政策課", [("温暖化対策係", "住宅用太陽光発電設備補助金", "app"),
                  ("温暖化対策係", "温室効果ガス排出量", "stat"), ("政策係", "環境学習講座受講", "app")]),
    ("環境保全課", [("大気騒音係", "特定施設設置", "todoke"), ("水質係", "水質検査", "stat"),
                  ("水質係", "浄化槽設置", "todoke")]),
    ("廃棄物指導課", [("指導係", "産業廃棄物処理業許可", "app"), ("指導係", "産業廃棄物実績報告", "stat"), ("指導係", "不法投棄通報", "inq")]),
    ("収集管理課", [("収集係", "ごみステーション", "ledger"), ("収集係", "収集車両運行", "stat"), ("収集係", "ごみ収集", "inq")]),
    ("地域福祉課", [("福祉係", "民生委員", "ledger"), ("指導監査係", "社会福祉法人指導監査", "insp"), ("福祉係", "避難行動要支援者", "ledger")]),
    ("長寿支援課", [("生きがい支援係", "敬老パス", "app"), ("高齢者福祉係", "緊急通報装置", "app"),
                  ("生きがい支援係", "高齢者福祉センター", "reserve")]),
    ("長寿あんしん課", [("地域包括ケア推進係", "介護予防教室", "reserve"),
                     ("地域包括ケア推進係", "認知症サポーター養成講座", "stat"), ("地域包括ケア推進係", "地域包括支援センター委託料", "pay")]),
    ("障害福祉課", [("給付係", "障害福祉サービス支給", "app"), ("給付係", "補装具費", "app"),
                  ("手帳係", "身体障害者手帳", "app"), ("給付係", "自立支援医療", "app")]),
    ("保護第一課", [("保護係", "生活保護費", "pay"), ("保護係", "保護受給者", "ledger"), ("保護係", "生活保護", "app")]),
    ("保護第二課", [("保護係", "医療扶助", "pay"), ("自立支援係", "就労支援実績", "stat"), ("保護係", "生活保護費返還金", "collect")]),
    ("保健政策課", [("総務係", "医療機関", "ledger"), ("保健政策係", "救急医療", "stat"), ("医事薬事係", "薬局開設許可", "app")]),
    ("保健予防課", [("感染症対策係", "予防接種", "ledger"), ("感染症対策係", "結核患者", "ledger"),
                  ("精神保健係", "精神保健相談", "inq")]),
    ("生活衛生課", [("食品衛生係", "食品営業許可", "app"), ("環境衛生係", "旅館業許可", "app"),
                  ("食品衛生係", "食品衛生監視", "insp")]),
    ("保健支援課", [("健康づくり係", "がん検診", "notice"), ("健康づくり係", "特定保健指導実績", "stat"), ("健康づくり係", "健康相談", "inq")]),
    ("母子保健課", [("母子保健係", "妊娠", "todoke"), ("母子保健係", "乳幼児健康診査", "notice"),
                  ("母子保健係", "不妊治療費助成", "app")]),
    ("こども政策課", [("企画係", "児童クラブ利用", "app"), ("企画係", "子育て支援ニーズ調査", "stat"), ("企画係", "子育て支援センター", "reserve")]),
    ("青少年課", [("青少年係", "成人式出席者", "stat"), ("青少年係", "青少年育成団体補助金", "app"), ("青少年係", "少年自然の家", "reserve")]),
    ("産業政策課", [("政策係", "商工業振興補助金", "app"), ("政策係", "経済センサス", "stat"), ("政策係", "企業立地補助金", "app")]),
    ("産業支援課", [("支援係", "中小企業制度融資", "app"), ("支援係", "創業相談", "inq"), ("支援係", "利子補給", "pay")]),
    ("観光交流課", [("交流係", "コンベンション開催助成", "app"), ("交流係", "観光統計", "stat"), ("交流係", "教育旅行誘致", "inq")]),
    ("農政総務課", [("農政係", "農業振興補助金", "app"), ("農政係", "鳥獣被害状況", "stat"), ("農政係", "新規就農者", "ledger")]),
    ("生産流通課", [("園芸係", "農産物出荷実績", "stat"), ("流通係", "市場使用料", "collect")]),
    ("耕地課", [("耕地係", "農道", "ledger"), ("耕地係", "土地改良工事", "contract"), ("耕地係", "農業用施設災害", "stat")]),
    ("林務水産課", [("林務係", "森林伐採", "todoke"), ("水産係", "漁港施設使用", "app"), ("水産係", "漁業振興補助金", "app")]),
    ("道路建設課", [("計画係", "道路改良工事", "contract"), ("計画係", "道路事業用地", "ledger")]),
    ("道路維持課", [("維持係", "道路補修要望", "ledger"), ("維持係", "道路占用許可", "app"),
                  ("維持係", "道路損傷", "inq")]),
    ("河川港湾課", [("河川係", "河川占用許可", "app"), ("港湾係", "港湾施設使用", "app"), ("河川係", "河川施設", "ledger")]),
    ("公園緑化課", [("公園管理係", "公園使用許可", "app"), ("緑化係", "街路樹", "ledger"),
                  ("公園管理係", "公園遊具点検", "insp")]),
    ("住宅課", [("管理係", "市営住宅入居", "app"), ("管理係", "市営住宅使用料", "collect"),
               ("管理係", "市営住宅修繕依頼", "ledger")]),
    ("建築課", [("工事係", "公共建築工事", "contract"), ("保全係", "公共施設保全", "ledger"), ("工事係", "工事検査", "insp")]),
    ("都市計画課", [("計画係", "都市計画証明", "app"), ("開発係", "開発行為許可", "app"), ("計画係", "都市計画基礎調査", "stat")]),
    ("交通政策課", [("交通政策係", "コミュニティバス利用", "stat"), ("交通政策係", "バス路線維持補助金", "pay")]),
    ("区画整理課", [("管理係", "換地", "ledger"), ("管理係", "清算金", "collect"), ("管理係", "土地区画整理証明", "app")]),
    ("都市景観課", [("景観係", "屋外広告物許可", "app"), ("景観係", "景観計画区域内行為", "todoke")]),
    ("教育総務課", [("総務係", "教職員旅費", "pay"), ("総務係", "教育委員会表彰", "ledger"), ("総務係", "奨学金", "app")]),
    ("学務課", [("学事係", "就学援助", "app"), ("学事係", "学区外就学", "app"), ("学事係", "就学", "notice")]),
    ("学校教育課", [("指導係", "教育相談", "inq"), ("指導係", "学力調査", "stat"), ("指導係", "いじめ・不登校調査", "stat")]),
    ("保健体育課", [("保健係", "学校給食費", "collect"), ("保健係", "児童生徒健康診断", "stat"),
                  ("保健係", "災害共済給付", "app")]),
    ("生涯学習課", [("生涯学習係", "公民館講座受講", "app"), ("生涯学習係", "社会教育団体", "ledger"), ("図書館係", "図書館資料購入", "contract")]),
    ("文化財課", [("文化財係", "埋蔵文化財発掘", "todoke"), ("文化財係", "資料館入館者", "stat")]),
    ("教育施設課", [("施設係", "学校施設修繕依頼", "ledger"), ("施設係", "学校施設開放", "reserve")]),
    ("警防課", [("警防係", "消防水利", "ledger"), ("警防係", "災害出動", "stat"), ("消防団係", "消防団員報酬", "pay")]),
    ("予防課", [("予防係", "防火対象物", "ledger"), ("危険物係", "危険物施設許可", "app"),
               ("予防係", "消防用設備等設置", "todoke")]),
    ("救急課", [("救急係", "救急出動", "stat"), ("救急係", "応急手当講習", "reserve")]),
    ("料金課", [("料金係", "水道使用開始", "todoke"), ("料金係", "水道料金", "collect")]),
    ("給水課", [("給水係", "給水装置工事", "app"), ("給水係", "給水装置", "ledger")]),
    ("下水道管理課", [("管理係", "排水設備確認", "app"), ("管理係", "下水道使用料", "collect")]),
    ("政務調査課", [("調査係", "議会図書室資料", "ledger"), ("調査係", "政務活動費", "pay")]),
    ("選挙管理委員会事務局", [("選挙係", "選挙人名簿", "ledger"), ("選挙係", "期日前投票", "stat")]),
    ("監査事務局", [("監査係", "例月出納検査", "insp"), ("監査係", "定期監査", "insp")]),
    ("農業委員会事務局", [("農地係", "農地転用許可", "app"), ("農地係", "農地", "ledger")]),
    ("谷山支所総務市民課", [("市民係", "住民異動", "todoke"), ("市民係", "証明書交付", "app"),
                        ("総務係", "支所会議室", "reserve")]),
    ("伊敷支所総務市民課", [("市民係", "住民異動", "todoke"), ("市民係", "証明書交付", "app")]),
    ("吉野支所総務市民課", [("市民係", "住民異動", "todoke"), ("市民係", "証明書交付", "app")]),
    ("吉田支所総務市民課", [("市民係", "住民異動", "todoke"), ("市民係", "証明書交付", "app")]),
    ("桜島支所総務市民課", [("市民係", "住民異動", "todoke"), ("市民係", "証明書交付", "app")]),
    ("喜入支所総務市民課", [("市民係", "住民異動", "todoke"), ("市民係", "証明書交付", "app")]),
]

# Further synthetic tasks in departments that also appear among the 36 real rows.
REAL_DEPT_EXTRA = [
    ("広報課", [("広報係", "広報紙配布", "ledger")]),
    ("総務課", [("庶務係", "市政功労者表彰", "ledger")]),
    ("市民税課", [("諸税係", "軽自動車税減免", "app")]),
    ("資産税課", [("家屋係", "家屋", "ledger")]),
    ("納税課", [("管理係", "口座振替", "todoke")]),
    ("契約課", [("物品契約係", "物品入札参加資格", "ledger")]),
    ("市民課", [("住民係", "住民異動", "todoke"), ("証明係", "印鑑登録", "app")]),
    ("国民健康保険課", [("賦課係", "国民健康保険税", "collect"), ("給付係", "高額療養費", "app")]),
    ("資源政策課", [("ごみ減量推進係", "生ごみ処理機購入補助金", "app")]),
    ("介護保険課", [("給付係", "介護保険住宅改修費", "app"), ("保険料係", "介護保険料", "collect")]),
    ("こども福祉課", [("児童給付係", "児童扶養手当", "app")]),
    ("雇用推進課", [("雇用係", "合同就職面接会参加", "app")]),
    ("観光プロモーション課", [("推進係", "観光ボランティアガイド", "reserve")]),
    ("建築指導課", [("審査係", "建築計画概要書閲覧", "app")]),
    ("保育幼稚園課", [("保育係", "保育料", "collect")]),
]


def fmt_hours_int(h):
    """Whole hours with a thousands separator, as the report writes them."""
    return "{:,}".format(h)


def fmt_tenths(t):
    """Tenths of an hour, at most one decimal (no separator: all < 1,000)."""
    return str(t // 10) if t % 10 == 0 else "{}.{}".format(t // 10, t % 10)


def real_rows():
    ranks = [r[0] for r in REAL]
    assert sorted(ranks) == list(range(1, 37)), "ranks must be 1..36"
    assert sum(r[6] for r in REAL) == REAL_TOTAL_H, sum(r[6] for r in REAL)
    pos = {r: i for i, r in enumerate(ranks)}
    for a, b in [(8, 9), (20, 21), (27, 28), (35, 36)]:
        assert pos[a] < pos[b], "tie order %d/%d" % (a, b)
    rows = []
    for rank, ka, kakari, jimu, gyomu, shori, hours in REAL:
        assert hours >= 1000
        rows.append([str(rank), ka, kakari, jimu, gyomu, shori, OVERVIEW.get(rank, ""),
                     fmt_hours_int(hours), "", "", EFFECT.get(rank, ""), STATUS.get(rank, ""),
                     "不可" if rank in INFEASIBLE else "", BLOCKER.get(rank, "")])
    return rows


def tail_hours(rng, n, total):
    """n heavy-tailed values in tenths, each in [MIN_TENTHS, CAP_TENTHS], summing to total."""
    raw = [rng.lognormvariate(0.0, 1.25) for _ in range(n)]
    # Scale to the total; clamp anything over the cap into [8600, 9500] tenths
    # (a handful of "just under 1,000 h" processes), re-scale the rest, repeat.
    capped = {}
    vals = raw[:]
    for _ in range(50):
        free = [i for i in range(n) if i not in capped]
        remaining = total - sum(capped.values())
        s = sum(raw[i] for i in free)
        vals = [0.0] * n
        for i, v in capped.items():
            vals[i] = float(v)
        over = []
        for i in free:
            vals[i] = raw[i] * remaining / s
            if vals[i] > CAP_TENTHS:
                over.append(i)
        if not over:
            break
        for i in over:
            capped[i] = rng.randint(8600, CAP_TENTHS)
    tenths = [max(MIN_TENTHS, min(CAP_TENTHS, int(round(v)))) for v in vals]
    # Absorb the rounding residual one tenth at a time, largest free rows first.
    diff = total - sum(tenths)
    order = sorted(range(n), key=lambda i: (-tenths[i], i))
    k = 0
    while diff != 0:
        i = order[k % n]
        step = 1 if diff > 0 else -1
        if MIN_TENTHS <= tenths[i] + step <= CAP_TENTHS:
            tenths[i] += step
            diff -= step
        k += 1
    return tenths


def tail_rows(real, rng):
    real_depts = []
    real_pairs = []
    for r in real:
        if r[1] not in real_depts:
            real_depts.append(r[1])
        if (r[1], r[4]) not in real_pairs:
            real_pairs.append((r[1], r[4]))
    need_depts = N_DEPTS - len(real_depts)
    need_tasks = N_TASKS - len(real_pairs)
    assert len(NEW_DEPTS) == need_depts, (len(NEW_DEPTS), need_depts)
    assert not any(d in real_depts for d, _ in NEW_DEPTS)
    assert all(d in real_depts for d, _ in REAL_DEPT_EXTRA)

    # Candidate tasks: (dept index in output order, 課, 係, 業務, kind, subject).
    depts = NEW_DEPTS + REAL_DEPT_EXTRA
    mandatory, optional = [], []
    seen = list(real_pairs)
    for di, (ka, tasks) in enumerate(depts):
        for ti, (kakari, subj, kind) in enumerate(tasks):
            gyomu = KINDS[kind][0].format(s=subj)
            assert (ka, gyomu) not in seen, (ka, gyomu)
            seen.append((ka, gyomu))
            cand = (di, ti, ka, kakari, gyomu, kind, subj)
            if ti == 0 and di < len(NEW_DEPTS):
                mandatory.append(cand)
            else:
                optional.append(cand)
    n_opt = need_tasks - len(mandatory)
    assert 0 <= n_opt <= len(optional), (n_opt, len(optional))
    chosen = mandatory + rng.sample(optional, n_opt)
    chosen.sort(key=lambda c: (c[0], c[1]))

    # Processes per task: one each, then the rest at random up to the flow length.
    counts = [1] * len(chosen)
    extra = TAIL_ROWS - len(chosen)
    while extra > 0:
        j = rng.randrange(len(chosen))
        if counts[j] < len(KINDS[chosen[j][5]][1]):
            counts[j] += 1
            extra -= 1

    hours = tail_hours(rng, TAIL_ROWS, TAIL_TENTHS)
    rows = []
    k = 0
    for c, cnt in zip(chosen, counts):
        _, _, ka, kakari, gyomu, kind, subj = c
        for tmpl in KINDS[kind][1][:cnt]:
            rows.append(["S%03d" % (k + 1), ka, kakari, "", gyomu, tmpl.format(s=subj),
                         SYNTH_NOTE, fmt_tenths(hours[k]), "", "", "", "", "", ""])
            k += 1
    assert k == TAIL_ROWS
    return rows


def main():
    rng = random.Random(2020)
    real = real_rows()
    rows = real + tail_rows(real, rng)

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(HEADER)
    w.writerows(rows)
    text = buf.getvalue()

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_utf8 = os.path.join(root, "inventory", "kagoshima-2020.csv")
    out_sjis = os.path.join(root, "tests", "data", "kagoshima-2020.sjis.csv")
    with open(out_utf8, "wb") as f:
        f.write(text.encode("utf-8"))
    os.makedirs(os.path.dirname(out_sjis), exist_ok=True)
    with open(out_sjis, "wb") as f:
        f.write(text.encode("cp932"))  # raises if any character is missing in CP932
    print("wrote %s (%d rows)" % (out_utf8, len(rows)))
    print("wrote %s" % out_sjis)


if __name__ == "__main__":
    main()
