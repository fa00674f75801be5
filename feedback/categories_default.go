package feedback

// DefaultCategories is the catalogue until an admin changes it: the usual
// headings of a 12345 centre's classification, three levels deep where a
// community office needs them.
func DefaultCategories() []Category {
	leaf := func(key, label string) Category { return Category{Key: key, Label: label} }
	node := func(key, label string, children ...Category) Category {
		return Category{Key: key, Label: label, Children: children}
	}
	return []Category{
		node("city", "城市管理",
			node("environment", "市容环境", leaf("lights", "路灯"), leaf("sanitation", "环境卫生"), leaf("garbage", "垃圾分类"), leaf("greening", "绿化养护")),
			node("roads", "道路设施", leaf("damage", "路面破损"), leaf("manholes", "井盖"), leaf("parking", "停车管理")),
			node("enforcement", "城管执法", leaf("stalls", "占道经营"), leaf("building", "违章搭建"), leaf("ads", "违规广告")),
		),
		node("community", "社区服务",
			node("property", "物业管理", leaf("fees", "物业收费"), leaf("repairs", "维修服务"), leaf("elevator", "电梯")),
			node("neighbours", "邻里纠纷", leaf("noise", "噪声扰民"), leaf("pets", "宠物管理"), leaf("leaks", "漏水")),
			node("affairs", "社区事务", leaf("certificates", "证明办理"), leaf("activities", "社区活动")),
		),
		node("utilities", "公用事业",
			leaf("water", "供水"), leaf("power", "供电"), leaf("gas", "燃气"), leaf("heating", "供暖"), leaf("telecom", "通信网络"),
		),
		node("environmental", "生态环境",
			leaf("air", "大气污染"), leaf("fumes", "餐饮油烟"), leaf("water", "水污染"), leaf("noise", "施工噪声"),
		),
		node("welfare", "民生保障",
			leaf("elderly", "养老服务"), leaf("assistance", "社会救助"), leaf("employment", "就业创业"), leaf("medical", "医疗卫生"), leaf("education", "教育"),
		),
		node("safety", "安全生产",
			leaf("fire", "消防安全"), leaf("traffic", "交通安全"), leaf("food", "食品安全"),
		),
		node("party", "党建与作风",
			leaf("members", "党员表现"), leaf("conduct", "工作作风"), leaf("praise", "表扬感谢"),
		),
		leaf(OtherCategory, "其他"),
	}
}
