// A form's content as the server stores it (kt_domain::forms::Document).
export type FieldType =
  | 'text'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'number'
  | 'currency'
  | 'date'
  | 'date_time'
  | 'time'
  | 'dropdown'
  | 'multi_select'
  | 'radio'
  | 'checkboxes'
  | 'toggle'
  | 'file'
  | 'image'
  | 'signature'
  | 'rating'
  | 'slider'
  | 'hidden'
  | 'section'
  | 'paragraph'
  | 'divider'
  | 'address'
  | 'url'
  | 'colour'
  | 'matrix'
  | 'calculated';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Choice {
  value: string;
  label?: string;
  score?: string | null;
}

export interface Field {
  key: string;
  type: FieldType;
  label?: string;
  help?: string | null;
  required?: boolean;
  options?: Choice[];
  rows?: string[];
  columns?: string[];
  min?: string | null;
  max?: string | null;
  min_length?: number | null;
  max_length?: number | null;
  pattern?: string | null;
  accept?: string[];
  max_bytes?: number | null;
  formula?: string | null;
  decimals?: number | null;
  default?: Json;
}

export interface Page {
  key: string;
  title?: string;
  fields: Field[];
}

export type Op =
  'equals' | 'not_equals' | 'greater_than' | 'less_than' | 'at_least' | 'at_most' | 'contains' | 'is_empty' | 'is_not_empty' | 'one_of';

export type Condition =
  { all: Condition[] } | { any: Condition[] } | { not: Condition } | { test: { field: string; op: Op; value?: Json } };

export type Action =
  | { do: 'show'; field: string }
  | { do: 'hide'; field: string }
  | { do: 'show_page'; page: string }
  | { do: 'hide_page'; page: string }
  | { do: 'skip_to'; from: string; to: string };

export interface Rule {
  when: Condition;
  then: Action[];
}

export interface FormDocument {
  pages: Page[];
  rules?: Rule[];
}

export interface UploadInfo {
  content_type: string;
  size: number;
}

export const NUMERIC: FieldType[] = ['number', 'currency', 'rating', 'slider', 'calculated'];
export const TAKES_NO_ANSWER: FieldType[] = ['section', 'paragraph', 'divider', 'calculated'];
