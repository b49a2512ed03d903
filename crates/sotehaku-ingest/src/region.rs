//! [`Region`]s: the wellbeing services counties and the other organisers of care, and the [`RegionTable`] of their
//! names, loaded from `data/regions.csv`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Who organises social and health care where a document applies.
///
/// JSON and facets use the codes of Statistics Finland: `"01"`–`"21"` for the wellbeing services counties, `"90"` for
/// the City of Helsinki, `"HUS"` for the HUS joint authority and `"national"` for nation-wide documents.
///
/// ```
/// use sotehaku_ingest::Region;
/// let r: Region = "09".parse().unwrap();
/// assert_eq!(r, Region::County(9));
/// assert_eq!(r.code(), "09");
/// assert!("22".parse::<Region>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Region {
    /// A wellbeing services county, 1–21.
    County(u8),
    /// The City of Helsinki (code 90), which organises care itself.
    Helsinki,
    /// HUS, the joint authority for specialised care in Uusimaa.
    Hus,
    /// Nation-wide: ministries, national agencies, statutes.
    National,
}

impl Region {
    /// The code used in JSON, facets and URLs.
    pub fn code(&self) -> String {
        match self {
            Region::County(n) => format!("{n:02}"),
            Region::Helsinki => "90".to_string(),
            Region::Hus => "HUS".to_string(),
            Region::National => "national".to_string(),
        }
    }

    /// Every region, in code order.
    pub fn all() -> impl Iterator<Item = Region> {
        (1..=21)
            .map(Region::County)
            .chain([Region::Helsinki, Region::Hus, Region::National])
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

/// A string that is not a region code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown region code {0:?} (expected 01–21, 90, HUS or national)")]
pub struct UnknownRegion(pub String);

impl FromStr for Region {
    type Err = UnknownRegion;

    /// Parses a region code. Names and slugs are resolved by [`RegionTable::resolve`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        match t {
            "90" => return Ok(Region::Helsinki),
            _ if t.eq_ignore_ascii_case("hus") => return Ok(Region::Hus),
            _ if t.eq_ignore_ascii_case("national") => return Ok(Region::National),
            _ => {}
        }
        if t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(n) = t.parse::<u8>() {
                if (1..=21).contains(&n) {
                    return Ok(Region::County(n));
                }
            }
        }
        Err(UnknownRegion(s.chars().take(64).collect()))
    }
}

impl Serialize for Region {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.code())
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Names of one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionInfo {
    pub region: Region,
    /// Short ASCII identifier for the command line and URLs, e.g. `paijat-hame`.
    pub slug: String,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    /// Other names: the region (maakunta), brand names (Pirha, Siun sote), abbreviations.
    pub aliases: Vec<String>,
}

/// A malformed region table.
#[derive(Debug, thiserror::Error)]
pub enum RegionTableError {
    #[error("regions.csv line {line}: {message}")]
    Malformed { line: usize, message: String },
}

/// The table of region names, loaded from a CSV file (`data/regions.csv` is built in).
#[derive(Debug, Clone)]
pub struct RegionTable {
    regions: Vec<RegionInfo>,
}

const BUILTIN_REGIONS: &str = include_str!("../data/regions.csv");

impl RegionTable {
    /// The table shipped with sotehaku.
    pub fn builtin() -> &'static RegionTable {
        static TABLE: std::sync::OnceLock<RegionTable> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| RegionTable::parse(BUILTIN_REGIONS).expect("the built-in regions.csv is valid"))
    }

    /// Parses a table in the format of `data/regions.csv`: `#` comment lines, a header, then
    /// `code,slug,name_fi,name_sv,name_en,aliases` with aliases separated by `|`.
    pub fn parse(csv: &str) -> Result<RegionTable, RegionTableError> {
        let mut regions = Vec::new();
        let mut header_seen = false;
        for (i, line) in csv.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if !header_seen {
                header_seen = true;
                continue;
            }
            let malformed = |message: String| RegionTableError::Malformed { line: i + 1, message };
            let cols: Vec<&str> = line.split(',').map(str::trim).collect();
            if cols.len() != 6 {
                return Err(malformed(format!("expected 6 columns, found {}", cols.len())));
            }
            let region: Region = cols[0].parse().map_err(|e: UnknownRegion| malformed(e.to_string()))?;
            regions.push(RegionInfo {
                region,
                slug: cols[1].to_string(),
                name_fi: cols[2].to_string(),
                name_sv: cols[3].to_string(),
                name_en: cols[4].to_string(),
                aliases: cols[5]
                    .split('|')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(String::from)
                    .collect(),
            });
        }
        Ok(RegionTable { regions })
    }

    pub fn iter(&self) -> impl Iterator<Item = &RegionInfo> {
        self.regions.iter()
    }

    pub fn info(&self, region: Region) -> Option<&RegionInfo> {
        self.regions.iter().find(|r| r.region == region)
    }

    /// Resolves what a user typed: a code (`09`), a slug (`paijat-hame`), a name (`Päijät-Hämeen hyvinvointialue`)
    /// or an alias (`Päijät-Häme`, `Pirha`), case-insensitively.
    ///
    /// ```
    /// use sotehaku_ingest::{Region, RegionTable};
    /// let table = RegionTable::builtin();
    /// assert_eq!(table.resolve("paijat-hame").unwrap(), Region::County(9));
    /// assert_eq!(table.resolve("Päijät-Häme").unwrap(), Region::County(9));
    /// assert_eq!(table.resolve("pirha").unwrap(), Region::County(8));
    /// assert!(table.resolve("Narnia").is_err());
    /// ```
    pub fn resolve(&self, name: &str) -> Result<Region, UnknownRegionName> {
        if let Ok(region) = name.parse::<Region>() {
            return Ok(region);
        }
        let wanted = name.trim().to_lowercase();
        self.regions
            .iter()
            .find(|r| {
                r.slug == wanted
                    || r.name_fi.to_lowercase() == wanted
                    || r.name_sv.to_lowercase() == wanted
                    || r.name_en.to_lowercase() == wanted
                    || r.aliases.iter().any(|a| a.to_lowercase() == wanted)
            })
            .map(|r| r.region)
            .ok_or_else(|| UnknownRegionName {
                given: name.chars().take(64).collect(),
                known: self.regions.iter().map(|r| r.slug.clone()).collect(),
            })
    }
}

/// A region name nobody knows.
#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown region {given:?}; use a code (01–21, 90, HUS, national) or one of: {}", known.join(", "))]
pub struct UnknownRegionName {
    pub given: String,
    pub known: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_covers_every_region() {
        let table = RegionTable::builtin();
        for region in Region::all() {
            let info = table.info(region).unwrap_or_else(|| panic!("{region} missing"));
            assert_eq!(table.resolve(&info.slug).unwrap(), region);
            assert_eq!(table.resolve(&info.name_fi).unwrap(), region);
        }
    }

    #[test]
    fn region_codes_round_trip_through_json() {
        for region in Region::all() {
            let json = serde_json::to_string(&region).unwrap();
            assert_eq!(serde_json::from_str::<Region>(&json).unwrap(), region);
        }
    }
}
