package demo

import (
	"context"
	"fmt"

	"telework/internal/auth"
	"telework/internal/tasks"
)

// The demo city's task inventory (issue 13): its systems under 三層分離
// with the remote access it has built so far, three places to work (a 支所
// on the office LAN, the library, a private share office), and the 見える化
// シート of several sections with the guide's typical tasks (図表14–17), so
// that the sheets, their summaries and the tenant's improvement ranking
// have something to show, and the account staff can pick planned tasks
// when applying. Pure data, seeded through tasks.Service.

type demoSystem struct {
	name   string
	routes []tasks.Route
}

// demoSystems: the common systems (their usual segment and data classes
// from the catalogue) and the routes that reach them today — remote
// access to the LGWAN groupware and e-approval from home, the internet
// ones from anywhere, 財務会計 only from the 支所's network.
var demoSystems = []demoSystem{
	{"住民記録システム", nil},
	{"税務システム", nil},
	{"福祉システム", nil},
	{"国民健康保険システム", nil},
	{"住民情報照会システム", nil},
	{"人事給与システム", nil},
	{"庶務事務システム", []tasks.Route{tasks.RouteHome}},
	{"財務会計システム", []tasks.Route{tasks.RouteSatellite}},
	{"文書管理・電子決裁システム", []tasks.Route{tasks.RouteHome, tasks.RouteSatellite}},
	{"電子調達システム", nil},
	{"工事積算システム", nil},
	{"グループウェア", []tasks.Route{tasks.RouteHome, tasks.RouteSatellite, tasks.RouteMobile}},
	{"LGWAN-ASPチャット", []tasks.Route{tasks.RouteHome, tasks.RouteMobile}},
	{"インターネット", []tasks.Route{tasks.RouteHome, tasks.RouteSatellite, tasks.RouteMobile}},
	{"Web会議", []tasks.Route{tasks.RouteHome, tasks.RouteSatellite, tasks.RouteMobile}},
}

var demoPlaces = []tasks.WorkPlace{
	{Name: "東部支所", Kind: tasks.Branch, Network: tasks.OfficeLAN, PhysicalSecurity: true},
	{Name: "中央図書館 学習室", Kind: tasks.Library, Network: tasks.InternetOnly},
	{Name: "駅前シェアオフィス", Kind: tasks.PrivateShare, Network: tasks.InternetOnly},
}

// demoTask is one row of a sheet: its unit by name, the systems by name.
type demoTask struct {
	unit, name, content, timing string
	systems                     []string
	paper                       tasks.Paper
	face, phone, equipment      bool
	hours                       int64
}

var demoTasks = []demoTask{
	// 企画政策課 and its 企画係 (the accounts staff and supervisor).
	{unit: "企画政策課", name: "総合計画の進捗管理資料の作成", content: "各課の実績を集計し、進捗管理表と報告書を作成", timing: "四半期 8時間", systems: []string{"文書管理・電子決裁システム", "グループウェア"}},
	{unit: "企画政策課", name: "会議議事録の作成", content: "庁議・推進本部会議の録音から議事録を作成", timing: "月2回 3時間", systems: []string{"グループウェア"}},
	{unit: "企画政策課", name: "市民意識調査の集計", content: "調査票の回答を集計し、報告書の図表を作成", timing: "7月〜9月 毎日2時間", paper: tasks.PaperDigitisable},
	{unit: "企画政策課", name: "議会答弁資料の作成", content: "一般質問の答弁案を作成し、関係課と調整", timing: "年4回 16時間", systems: []string{"文書管理・電子決裁システム"}, phone: true},
	{unit: "企画政策課", name: "予算要求資料の作成", content: "事業の予算要求書と積算資料を作成", timing: "10月〜11月 週2回 3時間", systems: []string{"財務会計システム"}},
	{unit: "企画係", name: "照会結果の取りまとめ", content: "国・県からの照会に各課の回答を取りまとめて回答", timing: "毎週 2時間", systems: []string{"グループウェア", "LGWAN-ASPチャット"}},
	{unit: "企画係", name: "企画書・報告書の作成", content: "新規事業の企画書、審議会の報告書を作成", hours: 200, systems: []string{"文書管理・電子決裁システム"}},
	{unit: "企画係", name: "外部との打ち合わせ", content: "委託事業者・関係団体とのWeb会議", timing: "毎週 1時間", systems: []string{"Web会議"}, phone: true},
	// 人事課
	{unit: "人事課", name: "研修資料・教材の作成", content: "新規採用職員研修・階層別研修の資料を作成", hours: 120},
	{unit: "人事課", name: "人事評価の評価者入力の確認", content: "評価者の入力内容を確認し、調整", timing: "年2回 20時間", systems: []string{"人事給与システム"}},
	{unit: "人事課", name: "給与計算の確認", content: "月例給与の計算結果を確認", timing: "毎月 6時間", systems: []string{"人事給与システム"}},
	{unit: "人事課", name: "休暇・時間外の申請の確認", content: "庶務事務システムの申請を確認", timing: "毎日 30分", systems: []string{"庶務事務システム"}},
	// 財政課
	{unit: "財政課", name: "予算・決算関係資料の作成", content: "予算書・決算書の附属資料を作成", hours: 300, systems: []string{"財務会計システム"}, paper: tasks.PaperDigitisable},
	{unit: "財政課", name: "支出命令の審査", content: "支出命令と添付書類を審査", timing: "毎日 2時間", systems: []string{"財務会計システム"}, paper: tasks.PaperDigitisable, phone: true},
	// 税務課
	{unit: "税務課", name: "課税資料の入力", content: "給与支払報告書・申告書の内容を税務システムに入力", timing: "1月〜3月 毎日4時間", systems: []string{"税務システム"}},
	{unit: "税務課", name: "納税相談", content: "窓口・電話での納税相談", timing: "毎日 2時間", face: true, phone: true},
	{unit: "税務課", name: "税制改正の説明資料の作成", content: "市民向けの説明資料・チラシを作成", hours: 40},
	{unit: "税務課", name: "課税証明書の交付", content: "窓口で申請を受け付け、証明書を交付", timing: "毎日 1時間", systems: []string{"税務システム"}, paper: tasks.PaperResidents, face: true},
	// 市民課
	{unit: "市民課", name: "住民異動届の受付", content: "転入・転出・転居の届出を窓口で受け付け", timing: "毎日 5時間", systems: []string{"住民記録システム"}, paper: tasks.PaperResidents, face: true},
	{unit: "市民課", name: "窓口案内マニュアルの改訂", content: "手続ごとの案内マニュアルを改訂", hours: 60},
	{unit: "市民課", name: "人口統計資料の作成", content: "住民情報から月次の人口統計を作成", timing: "毎月 4時間", systems: []string{"住民情報照会システム"}},
	// 福祉課
	{unit: "福祉課", name: "障害福祉サービスの支給決定", content: "申請の審査と支給決定の入力", timing: "毎日 3時間", systems: []string{"福祉システム"}, paper: tasks.PaperResidents},
	{unit: "福祉課", name: "事業所向け通知文の作成", content: "制度改正の通知文・様式を作成", hours: 50, systems: []string{"文書管理・電子決裁システム"}},
	// 健康づくり課
	{unit: "健康づくり課", name: "検体の精密検査", content: "検査機器による精密検査", timing: "毎週 6時間", equipment: true},
	{unit: "健康づくり課", name: "健康教室のチラシ作成", content: "健康教室の案内チラシを作成", hours: 30, systems: []string{"インターネット"}},
	// 道路河川課
	{unit: "道路河川課", name: "工事図面の確認", content: "受注者から受け取った図面をPDFで確認", timing: "毎週 4時間", systems: []string{"工事積算システム"}, paper: tasks.PaperDigitisable},
	{unit: "道路河川課", name: "入札の仕様書作成", content: "工事の仕様書を作成し、電子調達システムに登録", hours: 80, systems: []string{"電子調達システム"}},
}

// seedTasks stores the inventory as IT (the systems and places) and HR
// (the sheets, so every task is approved at once). Units not in the
// demo's chart are skipped.
func seedTasks(ctx context.Context, svc *tasks.Service, tenantID int64, units map[string]int64) error {
	who := &auth.Principal{TenantID: tenantID, LoginID: actor.Label, Roles: []auth.Role{auth.HRAdmin, auth.ITAdmin}}
	common := map[string]tasks.CommonSystem{}
	for _, c := range tasks.CommonSystems {
		common[c.Name] = c
	}
	systems := map[string]int64{}
	for _, ds := range demoSystems {
		c := common[ds.name]
		s := &tasks.InfoSystem{Name: ds.name, Segment: c.Segment, DataClasses: c.DataClasses, Routes: ds.routes}
		if err := svc.SaveSystem(ctx, tenantID, who, s); err != nil {
			return fmt.Errorf("demo: system %s: %w", ds.name, err)
		}
		systems[ds.name] = s.ID
	}
	for _, p := range demoPlaces {
		if err := svc.SavePlace(ctx, tenantID, who, &p); err != nil {
			return fmt.Errorf("demo: place %s: %w", p.Name, err)
		}
	}
	for _, dt := range demoTasks {
		unit, ok := units[dt.unit]
		if !ok {
			continue
		}
		t := &tasks.SheetTask{UnitID: unit, Name: dt.name, Content: dt.content, Timing: dt.timing, Paper: dt.paper,
			FaceToFace: dt.face, Phone: dt.phone, SpecialEquipment: dt.equipment, HoursPerYear: dt.hours}
		if t.Paper == "" {
			t.Paper = tasks.PaperNone
		}
		for _, n := range dt.systems {
			t.SystemIDs = append(t.SystemIDs, systems[n])
		}
		if err := svc.CreateTask(ctx, tenantID, who, t); err != nil {
			return fmt.Errorf("demo: task %s: %w", dt.name, err)
		}
	}
	return nil
}
