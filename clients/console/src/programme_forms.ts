// HQ's forms on the programme page: a campaign rule, a coupon template, a draft event. Each sends
// the public API's mutation and shows its refusals next to their fields.
import { gql } from "./api";
import type { Refusal } from "./dom";
import { form } from "./form";
import { t, type Word } from "./i18n";

const CAMPAIGN = `mutation($input: CampaignInput!) { createCampaign(input: $input) { errors { code message field } } }`;
const TEMPLATE = `mutation($input: CouponTemplateInput!) {
  createCouponTemplate(input: $input) { errors { code message field } } }`;
const EVENT = `mutation($input: EventInput!) { createEvent(input: $input) { errors { code message field } } }`;

type Done = () => Promise<void>;

async function refusals(mutation: string, name: string, input: Record<string, unknown>): Promise<Refusal[]> {
  const answer = await gql<Record<string, { errors: Refusal[] }>>(mutation, { input });
  return answer[name].errors;
}

const choices = (values: string[]): [string, string][] => values.map((v) => [v, t(`enum_${v}` as Word)]);

export function campaignForm(templates: { id: string; name: string }[], done: Done): HTMLFormElement {
  return form({
    prefix: "campaign",
    fields: [
      { name: "name" },
      { name: "trigger", kind: "choice", options: choices(["CLAIM", "PURCHASE", "EVENT_SIGN_UP", "EVENT_CHECK_IN"]), value: "CLAIM" },
      { name: "beneficiary", kind: "choice", options: choices(["MEMBER", "GUIDE", "INVITER"]), value: "MEMBER" },
      { name: "startsAt", kind: "datetime" },
      { name: "endsAt", kind: "datetime" },
      { name: "points", kind: "number", value: "0" },
      { name: "couponTemplateId", kind: "choice", options: [["", t("none")], ...templates.map((c): [string, string] => [c.id, c.name])] },
      { name: "skus" },
      { name: "region" },
      { name: "everyNth", kind: "number" },
      { name: "firstPurchase", kind: "check" },
      { name: "viaGuide", kind: "check" },
      { name: "invitedByMember", kind: "check" },
    ],
    button: "create",
    send: async (v) => {
      const absent = v.missing("endsAt");
      if (absent.length) return absent;
      return refusals(CAMPAIGN, "createCampaign", {
        name: v.text("name"),
        trigger: v.text("trigger"),
        beneficiary: v.text("beneficiary"),
        // Its label says so: no start time means from now.
        startsAt: v.moment("startsAt") ?? new Date().toISOString(),
        endsAt: v.moment("endsAt"),
        points: v.whole("points"),
        couponTemplateId: v.optional("couponTemplateId"),
        skus: v.text("skus").split(/[,，\s]+/).filter(Boolean),
        region: v.optional("region"),
        everyNth: v.optionalWhole("everyNth"),
        firstPurchase: v.checked("firstPurchase"),
        viaGuide: v.checked("viaGuide"),
        invitedByMember: v.checked("invitedByMember"),
      });
    },
    done,
  });
}

export function templateForm(places: number, done: Done): HTMLFormElement {
  return form({
    prefix: "template",
    fields: [
      { name: "name" },
      { name: "kind", kind: "choice", options: choices(["GIFT", "DISCOUNT"]), value: "GIFT" },
      { name: "validDays", kind: "number", value: "30" },
      { name: "value", kind: "number", value: "0", api: "valueCents" },
      { name: "totalLimit", kind: "number" },
      { name: "perMemberLimit", kind: "number", value: "1" },
      { name: "pointsPrice", kind: "number" },
    ],
    button: "create",
    send: (v) =>
      refusals(TEMPLATE, "createCouponTemplate", {
        name: v.text("name"),
        kind: v.text("kind"),
        validDays: v.whole("validDays"),
        valueCents: v.minor("value", places),
        totalLimit: v.optionalWhole("totalLimit"),
        perMemberLimit: v.whole("perMemberLimit"),
        pointsPrice: v.optionalWhole("pointsPrice"),
      }),
    done,
  });
}

export function eventForm(done: Done): HTMLFormElement {
  return form({
    prefix: "event",
    fields: [
      { name: "title" },
      { name: "startsAt", kind: "datetime" },
      { name: "endsAt", kind: "datetime" },
      { name: "capacity", kind: "number" },
      { name: "place" },
      { name: "onlineUrl" },
      { name: "description", kind: "area" },
      { name: "allowWalkIns", kind: "check" },
    ],
    button: "createDraft",
    send: async (v) => {
      const absent = v.missing("startsAt", "endsAt");
      if (absent.length) return absent;
      return refusals(EVENT, "createEvent", {
        title: v.text("title"),
        startsAt: v.moment("startsAt"),
        endsAt: v.moment("endsAt"),
        capacity: v.whole("capacity"),
        place: v.optional("place"),
        onlineUrl: v.optional("onlineUrl"),
        description: v.text("description"),
        allowWalkIns: v.checked("allowWalkIns"),
      });
    },
    done,
  });
}
