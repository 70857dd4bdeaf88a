"""The formulas behind the calculators: each one in plain text, with units, and the publications it comes from.

These are facts for the MCP layer to publish (the `fitness://formulas` resources); nothing here renders them.
"""

from __future__ import annotations

from pydantic import Field

from chalicelib.fitness.results import FrozenModel


class FormulaRecord(FrozenModel):
    formula: str = Field(description="The formula in plain text, with units.")
    citations: tuple[str, ...] = Field(description="Published sources of the formula and of any norm table.")


def _formula(formula: str, *citations: str) -> FormulaRecord:
    return FormulaRecord(formula=formula, citations=citations)


COOPER_12_MINUTE_RUN = _formula(
    "VO2max (ml/kg/min) = (distance_m - 504.9) / 44.73. Rating: Cooper's 12-minute-run distance norms by age "
    "band (13-14, 15-16, 17-19, 20-29, 30-39, 40-49, 50+) and sex.",
    "Cooper KH (1968). A means of assessing maximal oxygen intake. JAMA 203(3):201-204.",
    "12-minute-run distance norms by age and sex after Cooper (1968), as reproduced by topendsports.com.",
)


ROCKPORT_WALK_TEST = _formula(
    "VO2max = 132.853 - 0.0769 x weight_lb - 0.3877 x age + 6.315 x sex (1 male, 0 female) - 3.2649 x "
    "time_min - 0.1565 x heart_rate_bpm. Rating: VO2max norms by age band and sex.",
    "Kline GM et al. (1987). Estimation of VO2max from a one-mile track walk, gender, age, and body weight. "
    "Med Sci Sports Exerc 19(3):253-259.",
    "The Cooper Institute (1997). The Physical Fitness Specialist Certification Manual; printed in Heyward VH "
    "(1998), Advanced Fitness Assessment and Exercise Prescription, 3rd ed., p. 48.",
)


HEART_RATE_RATIO = _formula(
    "VO2max (ml/kg/min) = 15.3 x max_heart_rate_bpm / resting_heart_rate_bpm.",
    "Uth N, Sørensen H, Overgaard K, Pedersen PK (2004). Estimation of VO2max from the ratio between HRmax "
    "and HRrest - the Heart Rate Ratio Method. Eur J Appl Physiol 91(1):111-115.",
)


DANIELS_VDOT = _formula(
    "t in minutes, v = distance_m / t (m/min); VO2 = -4.60 + 0.182258 v + 0.000104 v^2; fraction = 0.8 + "
    "0.1894393 e^(-0.012778 t) + 0.2989558 e^(-0.1932605 t); VDOT = VO2 / fraction. Equivalent times solve "
    "the same equations for each distance. Paces: easy 67.5 %, threshold 88 %, interval 97.5 % of VDOT "
    "through the oxygen-cost equation; marathon = equivalent marathon pace; repetition = interval - 6 s/400 m.",
    "Daniels J, Gilbert J (1979). Oxygen Power: Performance Tables for Distance Runners. Tempe, AZ.",
    "Daniels J (2014). Daniels' Running Formula, 3rd ed. Human Kinetics.",
)


RIEGEL_RACE_TIME = _formula(
    "predicted_time_s = time_s x (target_distance_m / distance_m) ^ exponent, exponent 1.06 by default; "
    "pace_s_per_km = predicted_time_s / (target_distance_m / 1000).",
    "Riegel PS (1981). Athletic records and human endurance. American Scientist 69(3):285-290.",
)


PACE_CONVERSION = _formula(
    "speed_kmh = 3600 / pace_s_per_km; pace_s_per_mile = pace_s_per_km x 1.609344; speed_mph = speed_kmh / "
    "1.609344; finish_time_s = pace_s_per_km x distance_m / 1000.",
    "International Yard and Pound Agreement (1959): 1 mile = 1609.344 m exactly.",
)


MAX_HEART_RATE = _formula(
    "tanaka = 208 - 0.7 x age (headline); fox = 220 - age; gellish = 207 - 0.7 x age; gulati = 206 - 0.88 x "
    "age (women only).",
    "Tanaka H, Monahan KD, Seals DR (2001). Age-predicted maximal heart rate revisited. J Am Coll Cardiol "
    "37(1):153-156.",
    "Fox SM, Naughton JP, Haskell WL (1971). Physical activity and the prevention of coronary heart disease. "
    "Ann Clin Res 3:404-432.",
    "Gellish RL et al. (2007). Longitudinal modeling of the relationship between age and maximal heart rate. "
    "Med Sci Sports Exerc 39(5):822-829.",
    "Gulati M et al. (2010). Heart rate response to exercise stress testing in asymptomatic women. "
    "Circulation 122(2):130-137.",
)


HEART_RATE_ZONES = _formula(
    "Zones at 50-60, 60-70, 70-80, 80-90, 90-100 %. karvonen (resting rate given): bound = resting + % x "
    "(max - resting); percent_max: bound = % x max. Max = max_heart_rate_bpm, else 208 - 0.7 x age.",
    "Karvonen MJ, Kentala E, Mustala O (1957). The effects of training on heart rate; a longitudinal study. "
    "Ann Med Exp Biol Fenn 35(3):307-315.",
    "Tanaka H, Monahan KD, Seals DR (2001). J Am Coll Cardiol 37(1):153-156.",
)


BODY_MASS_INDEX = _formula(
    "bmi = weight_kg / (height_cm / 100)^2. WHO: < 18.5 Underweight; 18.5-24.99 Normal weight; 25-29.99 "
    "Pre-obesity; 30-34.99 Obesity class I; 35-39.99 Obesity class II; >= 40 Obesity class III.",
    "World Health Organization (2000). Obesity: preventing and managing the global epidemic. WHO Technical "
    "Report Series 894.",
)


NAVY_BODY_FAT = _formula(
    "men: 495 / (1.0324 - 0.19077 log10(waist_cm - neck_cm) + 0.15456 log10(height_cm)) - 450; women: 495 / "
    "(1.29579 - 0.35004 log10(waist_cm + hip_cm - neck_cm) + 0.22100 log10(height_cm)) - 450. Categories "
    "(ACE): men < 6 essential fat, < 14 athletes, < 18 fitness, < 25 average, else obese; women < 14, < 21, "
    "< 25, < 32.",
    "Hodgdon JA, Beckett MB (1984). Prediction of percent body fat for U.S. Navy men and women from body "
    "circumferences and height. Naval Health Research Center reports 84-11 and 84-29.",
    "American Council on Exercise body fat percentage categories.",
)


WAIST_TO_HEIGHT_RATIO = _formula(
    "ratio = waist_cm / height_cm; < 0.4 Take care, 0.4-0.5 Healthy, 0.5-0.6 Increased risk, >= 0.6 High risk.",
    "Ashwell M, Hsieh SD (2005). Six reasons why the waist-to-height ratio is a rapid and effective global "
    "indicator for health risks of obesity. Int J Food Sci Nutr 56(5):303-307.",
    "Ashwell M, Gibson S (2016). Waist-to-height ratio as an indicator of 'early health risk'. BMJ Open 6:e010159.",
)


IDEAL_BODY_WEIGHT = _formula(
    "kg = base + increment x (height_in - 60): devine 50 + 2.3 (men), 45.5 + 2.3 (women); robinson 52 + 1.9, "
    "49 + 1.7; miller 56.2 + 1.41, 53.1 + 1.36; hamwi 48 + 2.7, 45.5 + 2.2. Below 5 ft the line is extended.",
    "Devine BJ (1974). Gentamicin therapy. Drug Intell Clin Pharm 8:650-655.",
    "Robinson JD, Lupkiewicz SM, Palenik L, Lopez LM, Ariet M (1983). Determination of ideal body weight for "
    "drug dosage calculations. Am J Hosp Pharm 40(6):1016-1019.",
    "Miller DR, Carlson JD, Loyd BJ, Day BJ (1983). Determining ideal body weight (and mass). "
    "Am J Hosp Pharm 40(10):1622.",
    "Hamwi GJ (1964). Therapy: changing dietary concepts. In: Danowski TS (ed.), Diabetes Mellitus: "
    "Diagnosis and Treatment, vol. 1, pp. 73-78.",
)


LEAN_BODY_MASS = _formula(
    "W kg, H cm. boer: men 0.407 W + 0.267 H - 19.2, women 0.252 W + 0.473 H - 48.3; james: men 1.1 W - 128 "
    "(W/H)^2, women 1.07 W - 148 (W/H)^2; hume: men 0.32810 W + 0.33929 H - 29.5336, women 0.29569 W + "
    "0.41813 H - 43.2933.",
    "Boer P (1984). Estimated lean body mass as an index for normalization of body fluid volumes in humans. "
    "Am J Physiol 247(4):F632-F636.",
    "James WPT (1976). Research on Obesity: a report of the DHSS/MRC group. London: HMSO.",
    "Hume R (1966). Prediction of lean body mass from height and weight. J Clin Pathol 19(4):389-391.",
)


BASAL_METABOLIC_RATE = _formula(
    "mifflin-st-jeor: 10 W + 6.25 H - 5 A + 5 (men) / - 161 (women); harris-benedict (revised): men 88.362 "
    "+ 13.397 W + 4.799 H - 5.677 A, women 447.593 + 9.247 W + 3.098 H - 4.330 A; katch-mcardle: 370 + 21.6 "
    "x W x (1 - body_fat_percent / 100). W kg, H cm, A years; kcal/day.",
    "Mifflin MD, St Jeor ST, Hill LA, Scott BJ, Daugherty SA, Koh YO (1990). A new predictive equation for "
    "resting energy expenditure in healthy individuals. Am J Clin Nutr 51(2):241-247.",
    "Roza AM, Shizgal HM (1984). The Harris Benedict equation reevaluated. Am J Clin Nutr 40(1):168-182.",
    "McArdle WD, Katch FI, Katch VL. Exercise Physiology: Energy, Nutrition, and Human Performance "
    "(Katch-McArdle equation).",
)


TOTAL_DAILY_ENERGY_EXPENDITURE = _formula(
    "tdee_kcal = Mifflin-St Jeor BMR x activity factor: sedentary 1.2, light 1.375, moderate 1.55, very "
    "1.725, extra 1.9.",
    "Mifflin MD et al. (1990). Am J Clin Nutr 51(2):241-247.",
    "Activity factors: the conventional BMR multipliers used with the Harris-Benedict equation (a convention, "
    "not a fitted model).",
)


CALORIES_BURNED = _formula(
    "kcal = MET x weight_kg x duration_min / 60 (1 MET taken as 1 kcal/kg/h); MET from the activity table or "
    "given directly.",
    "Ainsworth BE, Haskell WL, Herrmann SD, et al. (2011). 2011 Compendium of Physical Activities: a second "
    "update of codes and MET values. Med Sci Sports Exerc 43(8):1575-1581.",
)


ONE_REP_MAX = _formula(
    "w = weight_kg, r = reps (1-10): epley w (1 + r/30); brzycki w 36 / (37 - r); lombardi w r^0.10; lander "
    "100 w / (101.3 - 2.67123 r); mayhew 100 w / (52.2 + 41.9 e^(-0.055 r)); oconner w (1 + 0.025 r); wathan "
    "100 w / (48.8 + 53.8 e^(-0.075 r)); one_rep_max_kg = mean. One repetition returns w.",
    "Epley B (1985). Poundage Chart. Boyd Epley Workout. Lincoln, NE.",
    "Brzycki M (1993). Strength testing: predicting a one-rep max from reps-to-fatigue. JOPERD 64(1):88-90.",
    "Lombardi VP (1989). Beginning Weight Training. Dubuque, IA: W.C. Brown.",
    "Lander J (1985). Maximums based on reps. NSCA Journal 6:60-61.",
    "Mayhew JL, Ball TE, Arnold MD, Bowen JC (1992). Relative muscular endurance performance as a predictor "
    "of bench press strength in college men and women. J Appl Sport Sci Res 6(4):200-206.",
    "O'Connor B, Simmons J, O'Shea P (1989). Weight Training Today. St Paul, MN: West.",
    "Wathan D (1994). Load assignment. In: Baechle TR (ed.), Essentials of Strength Training and "
    "Conditioning. Champaign, IL: Human Kinetics.",
    "LeSuer DA, McCormick JH, Mayhew JL, Wasserstein RL, Arnold MD (1997). The accuracy of prediction "
    "equations for estimating 1-RM performance in the bench press, squat, and deadlift. J Strength Cond Res "
    "11(4):211-213.",
)


TRAINING_LOADS = _formula(
    "load_kg = one_rep_max_kg x percent / 100 for 50-100 % in 5 % steps. typical_reps: 100 %-1, 95-2, 90-4, "
    "85-6, 80-8, 75-10, 70-11, 65-15 (NSCA); 60-20, 55-25, 50-30 (Epley inverted: 30 x (100/percent - 1)).",
    "Baechle TR, Earle RW, Wathen D (2008). Resistance training. In: Essentials of Strength Training and "
    "Conditioning, 3rd ed. (NSCA), %1RM-repetitions table.",
    "Epley B (1985). Poundage Chart.",
)


BANISTER_TRIMP = _formula(
    "fraction = (average_heart_rate_bpm - resting_heart_rate_bpm) / (max_heart_rate_bpm - "
    "resting_heart_rate_bpm); TRIMP = duration_min x fraction x 0.64 e^(1.92 fraction) (men) or x 0.86 "
    "e^(1.67 fraction) (women).",
    "Banister EW (1991). Modeling elite athletic performance. In: MacDougall JD, Wenger HA, Green HJ (eds.), "
    "Physiological Testing of the High-Performance Athlete, 2nd ed., pp. 403-424. Human Kinetics.",
    "Morton RH, Fitz-Clarke JR, Banister EW (1990). Modeling human performance in running. J Appl Physiol "
    "69(3):1171-1177.",
)
