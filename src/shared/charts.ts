/**
 * Every word in a chart is at least the size of the table's body text beside it (19px on a desktop). Charts
 * are shown at their own size, never scaled down (a narrow screen scrolls them sideways inside a labelled
 * region), so this is the size they are read at.
 */
export const CHART_TEXT_PX = 19
