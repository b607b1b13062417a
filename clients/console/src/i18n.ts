// The console's words in Simplified Chinese and English; the choice is kept in localStorage.
export type Locale = "en" | "zh-Hans";

const words = {
  en: {
    title: "HQ console",
    brand: "Brand",
    username: "User name",
    password: "Password",
    signIn: "Sign in",
    signOut: "Sign out",
    sessionExpired: "Your session has ended. Sign in again: the page you were on is kept.",
    dashboard: "Dashboard",
    attribution: "Attribution",
    period: "Period",
    days7: "Last 7 days",
    days30: "Last 30 days",
    days90: "Last 90 days",
    days365: "Last 365 days",
    newMembers: "New members",
    purchases: "Purchases",
    revenue: "Revenue",
    couponsWrittenOff: "Coupons written off",
    eventsAttended: "Event attendance",
    vsPrevious: "vs previous period",
    perDay: "Per day",
    dimension: "By",
    GUIDE: "Guide",
    STORE: "Store",
    CHANNEL: "Channel",
    CAMPAIGN: "Campaign",
    REGISTRATION_TAG: "Registration tag",
    PRODUCT: "Product (SKU)",
    PRODUCT_LINE: "Product line",
    name: "Name",
    none: "(none)",
    downloadCsv: "Download CSV",
    loading: "Loading…",
    asOf: "Figures as of",
    language: "中文",
    members: "Members",
    search: "Name, code or phone",
    find: "Find",
    more: "More",
    notFound: "No such member.",
    stage: "Journey stage",
    value: "Value",
    guide: "Guide",
    tags: "Tags",
    referralTree: "Referral tree",
    timeline: "Timeline",
    reports: "Reports",
    funnel: "Journey funnel",
    cohorts: "Cohorts: share buying, by months since registering (%)",
    leaderboard: "Guide leaderboard",
    PURCHASES: "Purchases",
    NEW_MEMBERS: "New members",
    COUPONS_WRITTEN_OFF: "Coupons written off",
  },
  "zh-Hans": {
    title: "总部控制台",
    brand: "品牌",
    username: "用户名",
    password: "密码",
    signIn: "登录",
    signOut: "退出",
    sessionExpired: "登录已过期，请重新登录：当前页面会保留。",
    dashboard: "概览",
    attribution: "归因分析",
    period: "时间段",
    days7: "最近 7 天",
    days30: "最近 30 天",
    days90: "最近 90 天",
    days365: "最近 365 天",
    newMembers: "新会员",
    purchases: "购买",
    revenue: "销售额",
    couponsWrittenOff: "核销券数",
    eventsAttended: "活动到场",
    vsPrevious: "较上一时段",
    perDay: "按天",
    dimension: "维度",
    GUIDE: "导购",
    STORE: "门店",
    CHANNEL: "渠道",
    CAMPAIGN: "活动规则",
    REGISTRATION_TAG: "注册标签",
    PRODUCT: "商品（SKU）",
    PRODUCT_LINE: "产品线",
    name: "名称",
    none: "（无）",
    downloadCsv: "下载 CSV",
    loading: "加载中…",
    asOf: "数据截至",
    language: "English",
    members: "会员",
    search: "姓名、邀请码或手机号",
    find: "查找",
    more: "更多",
    notFound: "没有这个会员。",
    stage: "旅程阶段",
    value: "价值",
    guide: "导购",
    tags: "标签",
    referralTree: "推荐关系树",
    timeline: "时间线",
    reports: "报表",
    funnel: "旅程漏斗",
    cohorts: "同期群：注册后第 N 个月购买的比例（%）",
    leaderboard: "导购排行榜",
    PURCHASES: "购买",
    NEW_MEMBERS: "新会员",
    COUPONS_WRITTEN_OFF: "核销券数",
  },
} as const;

export type Word = keyof (typeof words)["en"];

export function locale(): Locale {
  return localStorage.getItem("console.locale") === "zh-Hans" ? "zh-Hans" : "en";
}

export function setLocale(next: Locale): void {
  localStorage.setItem("console.locale", next);
  document.documentElement.lang = next;
}

export function t(word: Word): string {
  return words[locale()][word];
}

export function number(value: number): string {
  return new Intl.NumberFormat(locale()).format(value);
}
