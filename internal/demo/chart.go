package demo

import "telework/internal/org"

// The organisation chart of the demo city: a 市 of about 3万人 whose 組織規則
// has ten 部・局, each with 課・室 and 係・担当 below. Sizes are the
// staff besides the 係長 of each 係; the 部長, 課長 and 課長補佐 come on top.

// kind is one post: the 役職 as printed, its 職層, 任用区分, 職種 and the
// usual age range of the people who hold it.
type kind struct {
	title  string
	rank   org.Rank
	emp    org.Employment
	job    string
	minAge int
	maxAge int
}

func post(title string, rank org.Rank, emp org.Employment, job string, minAge, maxAge int) kind {
	return kind{title, rank, emp, job, minAge, maxAge}
}

const (
	general   = "general"
	technical = "technical"
	childcare = "childcare"
	manual    = "manual"
	health    = "health"
	welfare   = "welfare"
	education = "education"
	fire      = "firefighting"
)

var (
	chief  = org.RankChief
	senior = org.RankSenior
	junior = org.RankStaff
	reg    = org.Regular
	reapp  = org.Reappointed
	fyr    = org.FiscalYear
	temp   = org.Temporary
)

// pattern is the make-up of a kind of 係: who leads it, who works in it,
// and the share of women (保育士 and 保健師 are mostly women, 消防 mostly
// men). A rotating pattern starts at a random post so that small 係 of the
// same kind differ.
type pattern struct {
	head    kind
	members []kind
	female  float64
	rotate  bool
}

var (
	pGeneral = &pattern{
		head: post("係長", chief, reg, general, 40, 56),
		members: []kind{
			post("主任", senior, reg, general, 30, 45), post("主事", junior, reg, general, 22, 34),
			post("主事", junior, reg, general, 22, 34), post("会計年度任用職員", junior, fyr, general, 28, 66),
			post("主査", chief, reg, general, 40, 55), post("主事", junior, reg, general, 22, 34),
			post("主任", senior, reapp, general, 61, 64), post("会計年度任用職員", junior, fyr, general, 28, 66),
		},
		female: 0.45, rotate: true,
	}
	// 窓口: 繁忙期 (3月・4月の異動期) needs 会計年度任用職員 and a 臨時的任用職員.
	pCounter = &pattern{
		head: post("係長", chief, reg, general, 40, 56),
		members: []kind{
			post("主任", senior, reg, general, 30, 45), post("主事", junior, reg, general, 22, 34),
			post("会計年度任用職員", junior, fyr, general, 25, 66), post("主事", junior, reg, general, 22, 34),
			post("臨時的任用職員", junior, temp, general, 22, 40), post("会計年度任用職員", junior, fyr, general, 25, 66),
		},
		female: 0.65,
	}
	pTechnical = &pattern{
		head: post("係長", chief, reg, technical, 40, 56),
		members: []kind{
			post("主任技師", senior, reg, technical, 30, 45), post("技師", junior, reg, technical, 22, 34),
			post("技師", junior, reg, technical, 22, 34), post("主査", chief, reg, technical, 40, 55),
			post("主任技師", senior, reapp, technical, 61, 64), post("会計年度任用職員", junior, fyr, general, 28, 66),
		},
		female: 0.2, rotate: true,
	}
	pNursery = &pattern{
		head: post("園長", chief, reg, childcare, 50, 59),
		members: []kind{
			post("主任保育士", senior, reg, childcare, 35, 52), post("保育士", junior, reg, childcare, 22, 34),
			post("保育士", junior, fyr, childcare, 25, 62), post("保育士", junior, reg, childcare, 22, 34),
			post("調理員", junior, reg, manual, 30, 58), post("保育士", junior, fyr, childcare, 25, 62),
			post("保育士", junior, temp, childcare, 22, 35), post("保育補助員", junior, fyr, childcare, 35, 66),
			post("保育士", junior, reg, childcare, 22, 34),
		},
		female: 0.92,
	}
	pRoad = &pattern{
		head: post("係長", chief, reg, technical, 42, 56),
		members: []kind{
			post("主任技能員", senior, reg, manual, 40, 58), post("技能員", junior, reg, manual, 22, 50),
			post("作業員", junior, fyr, manual, 45, 68), post("技能員", junior, reapp, manual, 61, 64),
			post("技能員", junior, reg, manual, 22, 50),
		},
		female: 0.03,
	}
	pKitchen = &pattern{
		head: post("係長", chief, reg, general, 42, 56),
		members: []kind{
			post("主任調理員", senior, reg, manual, 40, 58), post("調理員", junior, reg, manual, 25, 55),
			post("調理員", junior, fyr, manual, 30, 66), post("調理員", junior, reg, manual, 25, 55),
			post("調理員", junior, fyr, manual, 30, 66),
		},
		female: 0.85,
	}
	pHealth = &pattern{
		head: post("係長", chief, reg, health, 42, 56),
		members: []kind{
			post("主任保健師", senior, reg, health, 32, 48), post("保健師", junior, reg, health, 22, 34),
			post("管理栄養士", junior, reg, health, 24, 40), post("保健師", junior, fyr, health, 30, 65),
			post("保健師", junior, reg, health, 22, 34),
		},
		female: 0.95,
	}
	pWelfare = &pattern{
		head: post("係長", chief, reg, welfare, 40, 56),
		members: []kind{
			post("主任", senior, reg, welfare, 30, 45), post("主事", junior, reg, welfare, 22, 34),
			post("主事", junior, reg, welfare, 22, 34), post("就労支援員", junior, fyr, welfare, 35, 66),
			post("主事", junior, reg, general, 22, 34),
		},
		female: 0.6, rotate: true,
	}
	pCareCentre = &pattern{
		head: post("係長", chief, reg, health, 42, 56),
		members: []kind{
			post("主任介護支援専門員", senior, reg, welfare, 38, 55), post("社会福祉士", junior, reg, welfare, 25, 45),
			post("保健師", junior, reg, health, 25, 45), post("社会福祉士", junior, fyr, welfare, 30, 62),
		},
		female: 0.75,
	}
	pGuidance = &pattern{
		head: post("係長", chief, reg, education, 45, 56),
		members: []kind{
			post("指導主事", chief, reg, education, 38, 52), post("主事", junior, reg, general, 22, 34),
			post("指導主事", chief, reg, education, 38, 52), post("スクールソーシャルワーカー", junior, fyr, welfare, 30, 62),
		},
		female: 0.35,
	}
	pLibrary = &pattern{
		head: post("係長", chief, reg, general, 42, 56),
		members: []kind{
			post("社会教育主事", senior, reg, education, 30, 50), post("図書館司書", junior, fyr, education, 25, 62),
			post("主事", junior, reg, general, 22, 34), post("司書", junior, reg, education, 24, 40),
			post("図書館司書", junior, fyr, education, 25, 62),
		},
		female: 0.75,
	}
	pFire = &pattern{
		head: post("係長", chief, reg, fire, 42, 55),
		members: []kind{
			post("消防司令補", senior, reg, fire, 36, 50), post("消防士長", senior, reg, fire, 28, 45),
			post("消防副士長", junior, reg, fire, 24, 35), post("消防士", junior, reg, fire, 19, 27),
			post("消防士長", senior, reg, fire, 28, 45), post("消防士", junior, reg, fire, 19, 27),
			post("消防副士長", junior, reg, fire, 24, 35), post("消防士", junior, reg, fire, 19, 27),
		},
		female: 0.05,
	}
	pWater = &pattern{
		head: post("係長", chief, reg, technical, 42, 56),
		members: []kind{
			post("主任技師", senior, reg, technical, 30, 45), post("技師", junior, reg, technical, 22, 34),
			post("技能員", junior, reg, manual, 25, 55), post("技師", junior, reg, technical, 22, 34),
		},
		female: 0.15,
	}
)

// team is a 係 or 担当 (a name ending in 担当). Members, when given,
// replace the pattern's posts; acct marks the people behind the demo
// sign-in accounts.
type team struct {
	name     string
	p        *pattern
	n        int
	headAcct string
	members  []member
}

type member struct {
	k    kind
	acct string
}

// sect is a 課 or 室 (a name ending in 室, led by a 室長).
type sect struct {
	name   string
	job    string // the 課長's 職種; "" = general
	deputy bool   // has a 課長補佐
	teams  []team
}

// dept is a 部 or 局. admin marks 一般行政部門 in the sense of the
// 地方公共団体定員管理調査: not 教育, 消防 or 公営企業 (上下水道).
type dept struct {
	name  string
	head  string // 部長, 局長, 教育部長, 消防長
	job   string
	admin bool
	sects []sect
}

func tm(name string, p *pattern, n int) team { return team{name: name, p: p, n: n} }

var chart = []dept{
	{name: "総務部", head: "部長", admin: true, sects: []sect{
		{name: "総務課", teams: []team{tm("総務係", pGeneral, 3), tm("文書法制係", pGeneral, 2)}},
		{name: "人事課", deputy: true, teams: []team{
			{name: "人事係", p: pGeneral, members: []member{
				{k: post("主査", chief, reg, general, 40, 52)},
				{k: post("主任", senior, reg, general, 32, 42), acct: "hr"},
				{k: post("主事", junior, reg, general, 23, 30)},
			}},
			tm("給与係", pGeneral, 3),
			tm("行政改革担当", pGeneral, 1),
		}},
		{name: "財政課", teams: []team{tm("財政係", pGeneral, 3), tm("管財係", pGeneral, 2)}},
		{name: "税務課", deputy: true, teams: []team{
			tm("市民税係", pGeneral, 3), tm("資産税係", pTechnical, 2), tm("収納係", pGeneral, 3),
		}},
		{name: "危機管理室", teams: []team{tm("防災係", pGeneral, 3)}},
	}},
	{name: "企画政策部", head: "部長", admin: true, sects: []sect{
		{name: "企画政策課", teams: []team{
			{name: "企画係", p: pGeneral, headAcct: "supervisor", members: []member{
				{k: post("主任", senior, reg, general, 31, 40)},
				{k: post("主事", junior, reg, general, 24, 29), acct: "staff"},
				{k: post("主事", junior, reg, general, 22, 27)},
			}},
			tm("広報広聴係", pGeneral, 2),
		}},
		{name: "情報政策課", teams: []team{
			{name: "情報システム係", p: pGeneral, members: []member{
				{k: post("主任", senior, reg, general, 33, 44), acct: "it"},
				{k: post("主事", junior, reg, general, 24, 32)},
				{k: post("会計年度任用職員", junior, fyr, general, 30, 55)},
			}},
			tm("デジタル推進係", pGeneral, 2),
		}},
	}},
	{name: "市民生活部", head: "部長", admin: true, sects: []sect{
		{name: "市民課", deputy: true, teams: []team{tm("窓口係", pCounter, 5), tm("戸籍係", pGeneral, 3)}},
		{name: "保険年金課", teams: []team{tm("国保係", pGeneral, 3), tm("医療年金係", pGeneral, 3)}},
		{name: "環境課", teams: []team{tm("環境保全係", pTechnical, 2), tm("ごみ減量係", pGeneral, 2)}},
		{name: "市民協働課", teams: []team{tm("協働推進係", pGeneral, 2), tm("交通防犯係", pGeneral, 2)}},
	}},
	{name: "健康福祉部", head: "部長", admin: true, sects: []sect{
		{name: "福祉課", teams: []team{tm("障がい福祉係", pWelfare, 3), tm("地域福祉係", pWelfare, 2)}},
		{name: "生活福祉課", job: welfare, teams: []team{tm("保護係", pWelfare, 4), tm("自立支援係", pWelfare, 2)}},
		{name: "介護保険課", teams: []team{tm("介護保険係", pGeneral, 3), tm("地域包括支援担当", pCareCentre, 3)}},
		{name: "健康づくり課", job: health, teams: []team{tm("保健係", pHealth, 4), tm("母子保健係", pHealth, 3)}},
	}},
	{name: "こども未来部", head: "部長", admin: true, sects: []sect{
		{name: "子育て支援課", teams: []team{tm("子育て給付係", pGeneral, 3), tm("家庭児童相談係", pWelfare, 2)}},
		{name: "保育課", deputy: true, teams: []team{
			tm("保育係", pGeneral, 3), tm("中央保育園", pNursery, 8), tm("東保育園", pNursery, 7), tm("西保育園", pNursery, 6),
		}},
	}},
	{name: "経済部", head: "部長", admin: true, sects: []sect{
		{name: "商工観光課", teams: []team{tm("商工係", pGeneral, 2), tm("観光係", pGeneral, 2)}},
		{name: "農林課", teams: []team{tm("農政係", pGeneral, 3), tm("農地林務係", pTechnical, 2)}},
	}},
	{name: "建設部", head: "部長", job: technical, admin: true, sects: []sect{
		{name: "道路河川課", job: technical, deputy: true, teams: []team{
			tm("道路管理係", pTechnical, 3), tm("道路維持係", pRoad, 4), tm("河川係", pTechnical, 2),
		}},
		{name: "都市計画課", job: technical, teams: []team{tm("都市計画係", pTechnical, 3), tm("建築指導係", pTechnical, 2)}},
		{name: "建築住宅課", job: technical, teams: []team{tm("建築係", pTechnical, 2), tm("市営住宅係", pGeneral, 2)}},
	}},
	{name: "上下水道局", head: "局長", sects: []sect{
		{name: "経営総務課", teams: []team{tm("総務係", pGeneral, 2), tm("料金係", pGeneral, 2)}},
		{name: "水道課", job: technical, teams: []team{tm("給水係", pWater, 3), tm("浄水係", pWater, 3)}},
		{name: "下水道課", job: technical, teams: []team{tm("下水道係", pTechnical, 3)}},
	}},
	{name: "教育委員会事務局", head: "教育部長", sects: []sect{
		{name: "教育総務課", teams: []team{tm("総務係", pGeneral, 3), tm("学校施設係", pTechnical, 2)}},
		{name: "学校教育課", job: education, teams: []team{
			tm("学務係", pGeneral, 3), tm("指導係", pGuidance, 3), tm("学校給食係", pKitchen, 5),
		}},
		{name: "生涯学習課", teams: []team{tm("生涯学習係", pLibrary, 3), tm("図書館担当", pLibrary, 3)}},
	}},
	{name: "消防本部", head: "消防長", job: fire, sects: []sect{
		{name: "消防総務課", job: fire, teams: []team{tm("総務係", pFire, 2), tm("予防係", pFire, 3)}},
		{name: "警防課", job: fire, deputy: true, teams: []team{
			tm("警防係", pFire, 7), tm("救急係", pFire, 5), tm("通信指令係", pFire, 3),
		}},
	}},
}
