//! Synthetic inventories for trying `triage` at scale, for benchmarks and for tests.
//!
//! Hours follow the heavy tail of real surveys: lognormal with mu 3.09 and sigma 2.5, at 0.1 h
//! resolution, so that about 7 % of processes hold about 85 % of the hours and about 6 % reach
//! 1,000 h (Kagoshima: 36 of 497 processes held 87 %). Names are composed from Japanese
//! municipal vocabulary; rows come grouped by department as survey sheets do; a few process
//! names carry a comma, quotes or a line break so that the file exercises CSV quoting.
//!
//! The output depends only on the row count and the seed: the random numbers come from
//! SplitMix64, a fixed published algorithm, not from a library whose streams may change.

use std::io::{self, Write};

const BUREAUS: [(&str, &[&str]); 12] = [
    ("総務局", &["人事", "法務", "文書", "契約"]),
    ("税務局", &["市民税", "資産税", "納税", "収納"]),
    ("市民局", &["戸籍住民", "市民相談", "区政推進"]),
    (
        "健康福祉局",
        &["生活福祉", "障害福祉", "介護保険", "高齢福祉"],
    ),
    ("こども未来局", &["保育", "子育て支援", "児童給付"]),
    ("環境局", &["環境政策", "廃棄物対策", "資源政策"]),
    ("経済局", &["商工振興", "雇用推進", "農林"]),
    ("観光文化局", &["観光プロモーション", "文化振興"]),
    ("建設局", &["建築指導", "道路管理", "公園"]),
    ("水道局", &["給水", "料金", "下水道"]),
    ("危機管理局", &["防災", "危機管理"]),
    ("会計管理室", &["出納", "審査"]),
];
const SECTIONS: [&str; 10] = [
    "庶務係",
    "管理係",
    "賦課管理係",
    "審査係",
    "給付係",
    "認定係",
    "相談係",
    "企画係",
    "窓口係",
    "統計係",
];
const AFFAIRS: [&str; 12] = [
    "個人住民税の賦課",
    "市税の収納",
    "滞納整理",
    "要介護認定",
    "保育所入所",
    "児童手当",
    "住民記録",
    "戸籍",
    "職員給与",
    "契約",
    "補助金交付",
    "防災計画",
];
const OBJECTS: [&str; 16] = [
    "申請書",
    "届出書",
    "口座",
    "台帳",
    "給与支払報告書",
    "課税資料",
    "納付書",
    "証明書",
    "請求書",
    "支出命令",
    "統計データ",
    "名簿",
    "通知書",
    "還付金",
    "相談記録",
    "照会文書",
];
const PHASES: [&str; 8] = [
    "受付事務",
    "審査事務",
    "連携時のエラー処理",
    "発送事務",
    "台帳整備",
    "照会対応",
    "年次更新",
    "月次締め処理",
];
const VERBS: [&str; 20] = [
    "入力",
    "転記",
    "登録",
    "照合",
    "チェック",
    "抽出",
    "集計",
    "出力",
    "分析",
    "選定",
    "問い合わせ対応",
    "審査",
    "相談",
    "案内",
    "仕分け",
    "保管",
    "確認",
    "作成",
    "送付",
    "発送",
];
const QUALIFIERS: [&str; 8] = [
    "",
    "",
    "",
    "窓口受付分の",
    "郵送分の",
    "電子申請分の",
    "紙媒体の",
    "前年度分の",
];
/// Share of process names with a comma, quotes or a line break.
const ODD_RATE: f64 = 0.002;

/// SplitMix64: a small, fast generator with a fixed, published output stream.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.uniform() * n as f64) as usize
    }

    /// Standard normal, by the Box-Muller transform.
    fn normal(&mut self) -> f64 {
        let u = 1.0 - self.uniform();
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// Writes a synthetic inventory of `rows` processes to `out`.
pub fn write_inventory(rows: u64, seed: u64, out: &mut dyn Write) -> io::Result<()> {
    let mut rng = SplitMix64(seed);
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "id",
        "bureau",
        "department",
        "section",
        "affair",
        "task",
        "process",
        "annual_hours",
        "annual_count",
    ])?;
    let mut row = 0u64;
    let mut department = 0u64;
    while row < rows {
        department += 1;
        let (bureau, stems) = BUREAUS[rng.below(BUREAUS.len())];
        let name = format!("{}第{}課", stems[rng.below(stems.len())], department);
        let size = 1 + rng.below(9) as u64;
        for _ in 0..size.min(rows - row) {
            row += 1;
            let record = process_row(&mut rng, row, bureau, &name);
            w.write_record(&record)?;
        }
    }
    w.flush()
}

fn process_row(rng: &mut SplitMix64, row: u64, bureau: &str, department: &str) -> [String; 9] {
    let object = OBJECTS[rng.below(OBJECTS.len())];
    let task = format!("{object}の{}", PHASES[rng.below(PHASES.len())]);
    let mut process = format!(
        "{}{object}の{}",
        QUALIFIERS[rng.below(QUALIFIERS.len())],
        VERBS[rng.below(VERBS.len())]
    );
    let odd = rng.uniform();
    if odd < ODD_RATE {
        process = match (odd / ODD_RATE * 3.0) as u32 {
            0 => format!("{process},随時"),
            1 => format!("\"至急\"{process}"),
            _ => format!("{process}\n（繁忙期のみ）"),
        };
    }
    let tenths = ((3.09 + 2.5 * rng.normal()).exp() * 10.0).round() as u64;
    let hours = if tenths % 10 == 0 {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    };
    let count = if rng.uniform() < 0.12 {
        String::new()
    } else {
        (((tenths as f64 / 10.0) * (0.7 + rng.normal()).exp()).round() as u64)
            .max(1)
            .to_string()
    };
    [
        row.to_string(),
        bureau.to_string(),
        department.to_string(),
        SECTIONS[rng.below(SECTIONS.len())].to_string(),
        AFFAIRS[rng.below(AFFAIRS.len())].to_string(),
        task,
        process,
        hours,
        count,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_file_and_a_heavy_tail() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        write_inventory(20_000, 7, &mut a).unwrap();
        write_inventory(20_000, 7, &mut b).unwrap();
        assert_eq!(a, b);
        let mut reader = csv::Reader::from_reader(a.as_slice());
        let mut hours: Vec<f64> = reader
            .records()
            .map(|r| r.unwrap()[7].parse().unwrap())
            .collect();
        assert_eq!(hours.len(), 20_000);
        hours.sort_by(|x, y| y.total_cmp(x));
        let total: f64 = hours.iter().sum();
        let top: f64 = hours[..1400].iter().sum();
        let share_at_1000 = hours.iter().filter(|&&h| h >= 1000.0).count() as f64 / 20_000.0;
        assert!(
            (0.75..0.92).contains(&(top / total)),
            "top 7 % hold {}",
            top / total
        );
        assert!(
            (0.04..0.08).contains(&share_at_1000),
            "{share_at_1000} at 1,000 h or more"
        );
    }
}
