/**
 * Runs in <head> before the first paint, so the page never flashes the wrong theme.
 * The choice ("light", "dark", or absent = follow the OS) is kept in localStorage.
 */
export const THEME_STORAGE_KEY = "fleet-console-theme";

export const themeScript = `(function(){try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});if(t!=="light"&&t!=="dark")t="system";var d=t==="dark"||(t==="system"&&window.matchMedia("(prefers-color-scheme: dark)").matches);var e=document.documentElement;e.classList.toggle("dark",d);e.dataset.theme=t}catch(_){document.documentElement.classList.add("dark")}})()`;
